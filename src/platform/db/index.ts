/** The database engine: PGlite embedded by default, PostgreSQL when DATABASE_URL is set. */
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Database } from './types.ts';

export type { Cell, Database, DatabaseEngine, Queryable, QueryResult } from './types.ts';
export { migrate, splitSql, type MigrationSource, type AppliedMigration } from './migrate.ts';
export { openPglite, openPostgres };

/** Open the configured database: PostgreSQL at `databaseUrl` if given, else PGlite under `dataDir/pgdata`. */
export function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(`${opts.dataDir}/pgdata`);
}
