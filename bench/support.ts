/** Shared bits of the benchmarks: argument parsing, engines to compare, and the printed table. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../src/platform/index.ts';
import { createScratchPostgres } from '../test/support/databases.ts';

export function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${v}`);
  return n;
}

export const postgresBaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: postgresBaseUrl, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export interface BenchDatabase {
  label: string;
  db: Database;
  dispose(): Promise<void>;
}

/** PGlite on disk in a temporary directory (as `npm start` uses it). */
export async function scratchPglite(): Promise<BenchDatabase> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-bench-'));
  const db = await openPglite(dir);
  return {
    label: 'PGlite (embedded, on disk)',
    db,
    async dispose() {
      await db.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway database on the PostgreSQL server. */
export async function scratchPostgres(): Promise<BenchDatabase> {
  const scratch = await createScratchPostgres(postgresBaseUrl, 'citybrain_bench_');
  const db = await openPostgres(scratch.url);
  return {
    label: 'PostgreSQL (server)',
    db,
    async dispose() {
      await db.close();
      await scratch.drop();
    },
  };
}

/**
 * Run `measure` on a scratch PGlite and, when reachable, a scratch PostgreSQL database, disposing
 * each afterwards; returns the results in that order.
 */
export async function eachBenchDatabase<T>(measure: (target: BenchDatabase) => Promise<T>): Promise<T[]> {
  const targets: Array<() => Promise<BenchDatabase>> = [scratchPglite];
  if (await postgresReachable()) targets.push(scratchPostgres);
  else log('PostgreSQL not reachable (BENCH_DATABASE_URL / DATABASE_URL); measuring PGlite only');
  const results: T[] = [];
  for (const open of targets) {
    const target = await open();
    try {
      results.push(await measure(target));
    } finally {
      await target.dispose();
    }
  }
  return results;
}

/** Print a fixed-width table; the last column usually holds the ratio to the ceiling. */
export function printTable(title: string, header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>) => r.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of cells.slice(1)) process.stdout.write(`${line(r)}\n`);
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
