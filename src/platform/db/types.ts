/** A value that can be written by COPY: text, number, boolean, date, JSON object, or null. */
export type Cell = string | number | bigint | boolean | Date | null | undefined | Record<string, unknown> | unknown[];

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** Something that runs parameterised SQL: the database itself or an open transaction. */
export interface Queryable {
  query: <T = Record<string, unknown>>(sql: string, params?: readonly unknown[]) => Promise<QueryResult<T>>;
}

export type DatabaseEngine = 'pglite' | 'postgres';

/**
 * The system of record. One SQL dialect (PostgreSQL) on two engines:
 * PGlite embedded in the process, or a PostgreSQL server.
 */
export interface Database extends Queryable {
  readonly engine: DatabaseEngine;
  /** Run several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Run `fn` in one transaction; it commits if `fn` resolves and rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Bulk-load rows with COPY (text format). `batches` yields arrays of rows; each batch is one
   * COPY statement, so memory stays bounded by the batch size. Returns the number of rows loaded.
   */
  copyFrom(table: string, columns: readonly string[], batches: AsyncIterable<readonly (readonly Cell[])[]>): Promise<number>;
  /** Bulk-load already-encoded COPY text (tab-separated, `\\N` for NULL), one chunk of whole lines at a time. */
  copyFromText(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<void>;
  /**
   * Stream the result of a SELECT as COPY text. On PostgreSQL it streams; on PGlite the result is
   * produced as one blob, so keep PGlite exports to what fits in memory.
   */
  copyTo(select: string): AsyncIterable<string>;
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
