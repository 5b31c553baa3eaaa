import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Database } from './types.ts';

/** A module's folder of plain SQL migrations, named `NNN_title.sql`, applied in number order. */
export interface MigrationSource {
  module: string;
  dir: string;
}

export interface AppliedMigration {
  module: string;
  version: number;
  name: string;
}

const fileName = /^(\d{3})_[a-z0-9_]+\.sql$/;
// Any constant will do: it names the lock that serialises migrations across API nodes.
const migrationLockKey = 371500;

/**
 * Apply pending migrations, each in its own transaction, recording them in `schema_migrations`.
 * A migration that was edited after it was applied is refused (checksum mismatch): write a new one.
 */
export async function migrate(db: Database, sources: readonly MigrationSource[]): Promise<AppliedMigration[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module text NOT NULL, version int NOT NULL, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (module, version))`);
  const applied: AppliedMigration[] = [];
  for (const source of sources) {
    const files = (await fs.readdir(source.dir)).filter((f) => f.endsWith('.sql')).sort();
    for (const file of files) {
      const m = fileName.exec(file);
      if (!m) throw new Error(`migration ${source.module}/${file}: name must look like 001_title.sql`);
      const version = Number(m[1]);
      const sql = await fs.readFile(path.join(source.dir, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const done = await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
        const prior = await tx.query<{ checksum: string }>(
          'SELECT checksum FROM schema_migrations WHERE module = $1 AND version = $2',
          [source.module, version],
        );
        const row = prior.rows[0];
        if (row) {
          if (row.checksum !== checksum) {
            throw new Error(`migration ${source.module}/${file} changed after it was applied; add a new migration instead`);
          }
          return false;
        }
        // Statements are run one by one: extended-protocol queries take a single statement.
        for (const statement of splitSql(sql)) await tx.query(statement);
        await tx.query('INSERT INTO schema_migrations (module, version, name, checksum) VALUES ($1, $2, $3, $4)', [
          source.module,
          version,
          file,
          checksum,
        ]);
        return true;
      });
      if (done) applied.push({ module: source.module, version, name: file });
    }
  }
  return applied;
}

/**
 * Split a SQL file into statements on `;` at line ends, keeping dollar-quoted bodies
 * (`$$ … $$`, used by functions) intact.
 */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (!inDollar && (trimmed.startsWith('--') || trimmed === '')) {
      if (current) current += '\n';
      continue;
    }
    const dollars = line.match(/\$\$/g)?.length ?? 0;
    if (dollars % 2 === 1) inDollar = !inDollar;
    current += line + '\n';
    if (!inDollar && trimmed.endsWith(';')) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
