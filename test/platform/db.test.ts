import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openPglite, splitSql } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';

forEachDatabase('database engine', {}, (ctx) => {
  it('bulk-loads rows with COPY, keeping tabs, newlines, backslashes, NULLs, JSON and dates intact', async () => {
    const { db } = ctx;
    await db.exec('CREATE TABLE copy_t (n int, s text, j jsonb, d timestamptz, b boolean)');
    const when = new Date('2026-01-02T03:04:05.000Z');
    async function* batches() {
      for (let b = 0; b < 3; b++) {
        const rows = [];
        for (let i = 0; i < 1000; i++) rows.push([b * 1000 + i, i === 7 ? 'tab\there\nnew\\line 聊城' : `r${i}`, { i }, when, i % 2 === 0]);
        yield rows;
      }
      yield [[-1, null, null, null, null]];
    }
    const n = await db.copyFrom('copy_t', ['n', 's', 'j', 'd', 'b'], batches());
    expect(n).toBe(3001);
    const { rows } = await db.query<{ c: number; tricky: string; j: { i: number }; d: Date; nulls: number }>(
      `SELECT (SELECT count(*)::int FROM copy_t) c,
              (SELECT s FROM copy_t WHERE n = 7) tricky,
              (SELECT j FROM copy_t WHERE n = 2999) j,
              (SELECT d FROM copy_t WHERE n = 1) d,
              (SELECT count(*)::int FROM copy_t WHERE s IS NULL) nulls`,
    );
    expect(rows[0]?.c).toBe(3001);
    expect(rows[0]?.tricky).toBe('tab\there\nnew\\line 聊城');
    expect(rows[0]?.j).toEqual({ i: 999 });
    expect(new Date(rows[0]?.d ?? 0).toISOString()).toBe(when.toISOString());
    expect(rows[0]?.nulls).toBe(1);
  });

  it('exports a query as COPY text and loads that text into another table unchanged', async () => {
    const { db } = ctx;
    await db.exec('CREATE TABLE copy_t2 (LIKE copy_t)');
    let text = '';
    for await (const chunk of db.copyTo('SELECT * FROM copy_t ORDER BY n')) text += chunk;
    expect(text.split('\n').filter(Boolean)).toHaveLength(3001);
    await db.copyFromText('copy_t2', ['n', 's', 'j', 'd', 'b'], (async function* () {
      yield text;
    })());
    const { rows } = await db.query<{ diff: number }>(
      'SELECT count(*)::int diff FROM ((SELECT * FROM copy_t EXCEPT SELECT * FROM copy_t2) UNION ALL (SELECT * FROM copy_t2 EXCEPT SELECT * FROM copy_t)) d',
    );
    expect(rows[0]?.diff).toBe(0);
  });

  it('refuses an identifier that is not a plain name in COPY', async () => {
    async function* one() {
      yield [[1]];
    }
    await expect(ctx.db.copyFrom('copy_t; DROP TABLE copy_t', ['n'], one())).rejects.toThrow(/bad identifier/);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const { db } = ctx;
    await db.exec('CREATE TABLE tx_t (v text)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_t VALUES ($1)', ['kept']);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_t VALUES ($1)', ['lost']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await db.query<{ v: string }>('SELECT v FROM tx_t ORDER BY v');
    expect(rows.map((r) => r.v)).toEqual(['kept']);
  });

  it('records applied migrations and applies each only once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mig-'));
    await fs.writeFile(path.join(dir, '001_first.sql'), 'CREATE TABLE mig_a (x int);\nINSERT INTO mig_a VALUES (1);\n');
    const first = await migrate(ctx.db, [{ module: 'mtest', dir }]);
    expect(first.map((m) => m.name)).toEqual(['001_first.sql']);
    await fs.writeFile(path.join(dir, '002_second.sql'), 'ALTER TABLE mig_a ADD COLUMN y text;\n');
    const second = await migrate(ctx.db, [{ module: 'mtest', dir }]);
    expect(second.map((m) => m.name)).toEqual(['002_second.sql']);
    expect(await migrate(ctx.db, [{ module: 'mtest', dir }])).toEqual([]);
    const { rows } = await ctx.db.query<{ n: number }>('SELECT count(*)::int n FROM mig_a');
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses a migration edited after it was applied', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mig-'));
    await fs.writeFile(path.join(dir, '001_t.sql'), 'CREATE TABLE mig_b (x int);\n');
    await migrate(ctx.db, [{ module: 'medit', dir }]);
    await fs.writeFile(path.join(dir, '001_t.sql'), 'CREATE TABLE mig_b (x bigint);\n');
    await expect(migrate(ctx.db, [{ module: 'medit', dir }])).rejects.toThrow(/changed after it was applied/);
  });
});

describe('embedded database on disk', () => {
  it('keeps committed rows across a close and reopen of the data directory', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pglite-'));
    const a = await openPglite(dir);
    await a.exec('CREATE TABLE keep_t (v text)');
    await a.query('INSERT INTO keep_t VALUES ($1)', ['聊城']);
    await a.close();
    const b = await openPglite(dir);
    const { rows } = await b.query<{ v: string }>('SELECT v FROM keep_t');
    expect(rows).toEqual([{ v: '聊城' }]);
    await b.close();
  });
});

describe('splitSql', () => {
  it('splits on statement ends but keeps dollar-quoted function bodies whole', () => {
    const sql = `-- comment\nCREATE TABLE a (x int);\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\nSELECT 1;\n`;
    const parts = splitSql(sql);
    expect(parts).toHaveLength(3);
    expect(parts[1]).toContain('RETURN 1;');
    expect(parts[1]?.endsWith('LANGUAGE plpgsql;')).toBe(true);
  });
});
