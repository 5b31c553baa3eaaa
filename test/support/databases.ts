/**
 * Runs a store's tests against every supported database (STYLE.md "Tests"): embedded PGlite
 * always, and PostgreSQL when DATABASE_URL is set (CI sets it) — in a fresh throwaway database
 * on that server, dropped afterwards, so runs never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { migrate, openPglite, openPostgres, platformMigrations, type Database, type MigrationSource } from '../../src/platform/index.ts';

export interface DatabaseContext {
  /** The open database for the current engine (valid inside tests and hooks). */
  readonly db: Database;
  readonly engine: 'pglite' | 'postgres';
  /** For PostgreSQL, the URL of the throwaway database (e.g. to open a second pool). */
  readonly url: string | undefined;
}

export function databaseEngines(): Array<'pglite' | 'postgres'> {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** Create a throwaway PostgreSQL database on the DATABASE_URL server; returns its URL and a drop function. */
export async function createScratchPostgres(
  base: string | undefined = process.env.DATABASE_URL,
  prefix = 'citybrain_t_',
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Open a migrated database of the given engine; `close` also drops a scratch PostgreSQL database. */
export async function openTestDatabase(
  engine: 'pglite' | 'postgres',
  migrations: readonly MigrationSource[] = [],
): Promise<{ db: Database; url: string | undefined; close: () => Promise<void> }> {
  if (engine === 'pglite') {
    const db = await openPglite('memory://');
    await migrate(db, [platformMigrations, ...migrations]);
    return { db, url: undefined, close: () => db.close() };
  }
  const scratch = await createScratchPostgres();
  const db = await openPostgres(scratch.url);
  await migrate(db, [platformMigrations, ...migrations]);
  return {
    db,
    url: scratch.url,
    async close() {
      await db.close();
      await scratch.drop();
    },
  };
}

/**
 * `describe` the same tests once per engine. The platform's migrations are always applied,
 * then `options.migrations` in order.
 */
export function forEachDatabase(title: string, options: { migrations?: readonly MigrationSource[] }, body: (ctx: DatabaseContext) => void): void {
  for (const engine of databaseEngines()) {
    describe(`${title} [${engine}]`, () => {
      let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
      const ctx: DatabaseContext = {
        get db() {
          if (!opened) throw new Error('database not open yet: use ctx.db inside tests or hooks');
          return opened.db;
        },
        engine,
        get url() {
          return opened?.url;
        },
      };
      beforeAll(async () => {
        opened = await openTestDatabase(engine, options.migrations ?? []);
      });
      afterAll(async () => {
        await opened?.close();
      });
      body(ctx);
    });
  }
}
