import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFromStream, to as copyToStream } from 'pg-copy-streams';
import type { Cell, Database, Queryable, QueryResult } from './types.ts';
import { copyStatement, encodeCopyRows } from './copy-text.ts';

// Keep bigint/numeric/date as the driver's strings except int8 counts, which we want as numbers
// when they fit (COUNT(*) returns int8).
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    query: async <T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> => {
      const r = await client.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
    },
  };
}

/** A PostgreSQL server through a connection pool. */
export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const probe = await pool.connect();
  probe.release();
  const self = wrap(pool);
  return {
    engine: 'postgres',
    query: self.query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async copyFrom(table: string, columns: readonly string[], batches: AsyncIterable<readonly (readonly Cell[])[]>) {
      const client = await pool.connect();
      let n = 0;
      try {
        // One COPY stream for all batches: the server sees a single bulk load.
        const sink = client.query(copyFromStream(copyStatement(table, columns, 'STDIN')));
        async function* encoded() {
          for await (const rows of batches) {
            if (rows.length === 0) continue;
            n += rows.length;
            yield encodeCopyRows(rows);
          }
        }
        await pipeline(Readable.from(encoded()), sink);
      } finally {
        client.release();
      }
      return n;
    },
    async copyFromText(table: string, columns: readonly string[], chunks: AsyncIterable<string>) {
      const client = await pool.connect();
      try {
        await pipeline(Readable.from(chunks), client.query(copyFromStream(copyStatement(table, columns, 'STDIN'))));
      } finally {
        client.release();
      }
    },
    async *copyTo(select: string) {
      const client = await pool.connect();
      try {
        const stream = client.query(copyToStream(`COPY (${select}) TO STDOUT`));
        stream.setEncoding('utf8');
        for await (const chunk of stream) yield chunk as string;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
