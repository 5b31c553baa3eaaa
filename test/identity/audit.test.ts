import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/index.ts';
import { allMigrations } from '../../src/app.ts';
import { audit, createAuditLog, GENESIS_HASH, migrate, openPglite, openPostgres, verifyAuditChain, type Database } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';

async function resetChain(db: Database): Promise<void> {
  await db.exec(`TRUNCATE platform_audit_log; UPDATE platform_audit_head SET seq = 0, hash = '${GENESIS_HASH}'`);
}

/** What someone with database rights does to cover their tracks: switch off the guard and rewrite rows. */
async function tamper(db: Database, sql: string): Promise<void> {
  await db.exec(`ALTER TABLE platform_audit_log DISABLE TRIGGER platform_audit_log_append_only; ${sql}; ALTER TABLE platform_audit_log ENABLE TRIGGER platform_audit_log_append_only`);
}

async function appendFive(db: Database): Promise<void> {
  const log = createAuditLog({ db, clock: fixedClock('2026-11-24T01:00:00.000Z') });
  for (let i = 1; i <= 5; i++) {
    await log.append({ actor: `user-${i}`, action: 'identity.session.create', target: `account:${i}`, outcome: i === 3 ? 'failure' : 'success', details: { ip: '10.0.0.1', n: i, 名: '张三' } });
  }
}

forEachDatabase('audit chain', {}, (ctx) => {
  beforeEach(() => resetChain(ctx.db));

  it('chains entries with SM3 and verifies an intact log', async () => {
    await appendFive(ctx.db);
    const r = await verifyAuditChain(ctx.db);
    expect(r).toMatchObject({ ok: true, entries: 5 });
    const entries = await createAuditLog({ db: ctx.db }).search({});
    expect(entries.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(entries[4]?.prevHash).toBe(GENESIS_HASH);
    expect(entries[0]?.prevHash).toBe(entries[1]?.hash);
    expect(entries[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses UPDATE and DELETE on the log (append-only)', async () => {
    await appendFive(ctx.db);
    await expect(ctx.db.query("UPDATE platform_audit_log SET actor = 'x' WHERE seq = 2")).rejects.toThrow(/append-only/);
    await expect(ctx.db.query('DELETE FROM platform_audit_log WHERE seq = 2')).rejects.toThrow(/append-only/);
  });

  it('names an edited entry', async () => {
    await appendFive(ctx.db);
    await tamper(ctx.db, "UPDATE platform_audit_log SET outcome = 'success' WHERE seq = 3");
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'edited' });
  });

  it('names an edited entry even when its hash was recomputed (the next link breaks)', async () => {
    await appendFive(ctx.db);
    await tamper(ctx.db, `UPDATE platform_audit_log SET details = '{"n": 2}', hash = repeat('a', 64) WHERE seq = 2`);
    const r = await verifyAuditChain(ctx.db);
    expect(r).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it('names a deleted entry, and entries deleted from the end', async () => {
    await appendFive(ctx.db);
    await tamper(ctx.db, 'DELETE FROM platform_audit_log WHERE seq = 2');
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'deleted' });
    await resetChain(ctx.db);
    await appendFive(ctx.db);
    await tamper(ctx.db, 'DELETE FROM platform_audit_log WHERE seq >= 4');
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'deleted' });
  });

  it('names reordered entries', async () => {
    await appendFive(ctx.db);
    await tamper(ctx.db, 'UPDATE platform_audit_log SET seq = -seq WHERE seq IN (2, 3); UPDATE platform_audit_log SET seq = 5 + seq WHERE seq IN (-2, -3)');
    // seq -2 → 3 and -3 → 2: entries 2 and 3 swapped places.
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'reordered' });
  });

  it('rolls the entry back with the caller’s transaction', async () => {
    await expect(
      ctx.db.transaction(async (tx) => {
        await audit(tx, { actor: 'a', action: 'identity.role.grant', target: 'b', outcome: 'success' });
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: true, entries: 0 });
  });

  it('never forks the chain under concurrent appends from several connections', async () => {
    // On PostgreSQL, two pools stand in for two API nodes.
    const second = ctx.url ? await openPostgres(ctx.url) : undefined;
    try {
      const nodes = [ctx.db, second ?? ctx.db];
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => createAuditLog({ db: nodes[i % 2] as Database }).append({ actor: `n${i % 2}`, action: 'test.append', target: String(i), outcome: 'success' })),
      );
    } finally {
      await second?.close();
    }
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: true, entries: 60 });
  });

  it('writes concurrent appends of one node together, each answered after its commit; a bad entry fails alone', async () => {
    const log = createAuditLog({ db: ctx.db });
    const appends = Array.from({ length: 200 }, (_, i) => log.append({ actor: 'node', action: 'test.group', target: String(i), outcome: 'success', details: { i } }));
    const bad = log.append({ actor: 'node', action: 'test.group', target: 'bad', outcome: 'success', details: { text: 'a\u0000b' } });
    await expect(bad).rejects.toMatchObject({ code: 'audit_details_invalid' });
    const entries = await Promise.all(appends);
    // Every answered entry is stored as answered, in the order of the appends, on one chain.
    const stored = new Map((await log.search({ action: 'test.group', limit: 1000 })).map((e) => [e.seq, e.hash]));
    expect(entries.map((e) => stored.get(e.seq))).toEqual(entries.map((e) => e.hash));
    expect(entries.map((e) => e.target)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: true, entries: 200 });
  });

  it('searches and exports CSV', async () => {
    await appendFive(ctx.db);
    const log = createAuditLog({ db: ctx.db });
    expect((await log.search({ outcome: 'failure' })).map((e) => e.actor)).toEqual(['user-3']);
    expect((await log.search({ action: 'identity.*', limit: 2 })).map((e) => e.seq)).toEqual([5, 4]);
    let csv = '';
    for await (const chunk of log.exportCsv({})) csv += chunk;
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('\ufeffseq,at,actor,action,target,outcome,details,prev_hash,hash');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toContain('"{""ip"":""10.0.0.1"",""n"":5,""名"":""张三""}"');
  });
});

describe('citybrain audit verify', () => {
  const bin = fileURLToPath(new URL('../../bin/citybrain.mjs', import.meta.url));
  const run = (dataDir: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', CITYBRAIN_DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, [bin, 'audit', 'verify'], { encoding: 'utf8', env, timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('exits 0 on an intact chain and 1 naming the first bad entry after tampering', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-audit-'));
    try {
      // Migrated in-process (as `citybrain migrate` would) to spare one CLI start.
      let db = await openPglite(path.join(dir, 'pgdata'));
      await migrate(db, allMigrations);
      await appendFive(db);
      await db.close();
      const intact = run(dir);
      expect(intact.stderr).toBe('');
      expect(intact.code).toBe(0);
      expect(intact.stdout).toContain('audit chain intact: 5 entries');
      db = await openPglite(path.join(dir, 'pgdata'));
      await tamper(db, "UPDATE platform_audit_log SET actor = 'someone-else' WHERE seq = 4");
      await db.close();
      const broken = run(dir);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain('audit chain broken at entry 4 (edited)');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
