import fs from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Cell, Database, Queryable, QueryResult } from './types.ts';
import { copyStatement, encodeCopyRows } from './copy-text.ts';

function wrap(q: PGlite | Transaction): Queryable {
  return {
    query: async <T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> => {
      const r = await q.query<T>(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite, WASM) with its files under `dataDir`, or in memory when
 * `dataDir` is `memory://`. One connection: PGlite serialises queries and transactions itself.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) await fs.mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  const self = wrap(db);
  return {
    engine: 'pglite',
    query: self.query,
    async exec(sql) {
      await db.exec(sql);
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    async copyFrom(table: string, columns: readonly string[], batches: AsyncIterable<readonly (readonly Cell[])[]>) {
      const sql = copyStatement(table, columns, "'/dev/blob'");
      let n = 0;
      for await (const rows of batches) {
        if (rows.length === 0) continue;
        await db.query(sql, [], { blob: new Blob([encodeCopyRows(rows)]) });
        n += rows.length;
      }
      return n;
    },
    async copyFromText(table: string, columns: readonly string[], chunks: AsyncIterable<string>) {
      const sql = copyStatement(table, columns, "'/dev/blob'");
      for await (const text of chunks) if (text.length > 0) await db.query(sql, [], { blob: new Blob([text]) });
    },
    async *copyTo(select: string) {
      const r = await db.query(`COPY (${select}) TO '/dev/blob'`);
      if (r.blob) yield await r.blob.text();
    },
    async ping() {
      await db.query('SELECT 1');
    },
    close: () => db.close(),
  };
}
