// The quality module inside the whole platform (the configured database and bus, identity's access
// hook): the base libraries' default rules pass over the demo city, a load travels over the bus to
// a run and a ticket, and the routes enforce their permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCity, startPlatform, type Platform } from '../../src/app.ts';
import { runQuality } from '../../src/cli/quality.ts';
import type { Rule, Run, Ticket } from '../../src/modules/quality/index.ts';
import { apiKeyWith } from '../identity/support.ts';
import { testPlatformOptions } from '../support/platform.ts';

describe('quality in the platform', () => {
  let platform: Platform;
  let dispose: () => Promise<void>;
  let admin: string;
  let reader: string;
  const call = async <T = Record<string, unknown>>(key: string, method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': type }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const until = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const v = await probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    const t = await testPlatformOptions({ demoPeople: 1500 });
    dispose = t.dispose;
    platform = await startPlatform(t.options);
    admin = await apiKeyWith(platform, ['quality.*', 'catalog.*', 'aggregation.*']);
    reader = await apiKeyWith(platform, ['catalog.resource.read', 'quality.rule.read']);
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
    await dispose?.();
  });

  it('runs the default rules of the base libraries over the demo city, and they pass', async () => {
    for (const code of ['371500-JC-RK-0001', '371500-JC-FR-0001', '371500-JC-KJ-0001', '371500-JC-KJ-0002']) {
      const rules = await call<{ items: Rule[] }>(admin, 'GET', `/api/quality/rules?resource=${code}`);
      expect(rules.body.items.length, code).toBeGreaterThan(2);
      expect(rules.body.items.every((r) => r.builtin && r.enabled)).toBe(true);
      const queued = await call<Run>(admin, 'POST', '/api/quality/runs', { resourceCode: code });
      expect(queued.status).toBe(202);
      await platform.modules.quality.service.idle();
      const run = (await call<Run>(admin, 'GET', `/api/quality/runs/${queued.body.id}`)).body;
      expect(run.status, code).toBe('done');
      expect(run.rowsTotal, code).toBeGreaterThan(0);
      const failed = run.results?.filter((r) => !r.passed).map((r) => `${r.ruleName}: ${r.error ?? r.samples[0]?.reason ?? ''}`);
      expect(failed, code).toEqual([]);
      expect(run.score).toBe(100);
    }
    const population = (await call<Run>(admin, 'GET', `/api/quality/runs?resource=371500-JC-RK-0001&limit=1`)).body as unknown as { items: Run[] };
    expect(population.items[0]?.rowsTotal).toBe((await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM city_residents')).rows[0]?.n);
  });

  it('runs the rules of a resource when a load arrives over the bus, and opens a ticket for its department', async () => {
    const created = await call(admin, 'POST', '/api/catalog/resources/from-template', { template: 'water-level', code: '371500-ZT-SW-0099', department: '市水利局' });
    expect(created.status).toBe(201);
    const rule = await call<Rule>(admin, 'POST', '/api/quality/rules', { resourceCode: '371500-ZT-SW-0099', name: '警戒水位不为空', kind: 'not_null', field: 'warning_level' });
    expect(rule.status).toBe(201);
    const csv = ['station_id,observed_at,water_level,warning_level', 'S1,2026-11-24 08:00,31.2,33', 'S2,2026-11-24 08:00,29.9,'].join('\n');
    expect((await call(admin, 'POST', '/api/aggregation/resources/371500-ZT-SW-0099/loads?format=csv', csv, 'text/csv')).status).toBe(202);
    const run = await until(async () => {
      const runs = (await call<{ items: Run[] }>(admin, 'GET', '/api/quality/runs?resource=371500-ZT-SW-0099')).body.items;
      return runs[0]?.status === 'done' ? runs[0] : undefined;
    }, 'the run after the load');
    expect(run).toMatchObject({ trigger: 'load', rulesFailed: 1, score: 50 });
    const tickets = (await call<{ items: Ticket[] }>(admin, 'GET', '/api/quality/tickets?resource=371500-ZT-SW-0099')).body.items;
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ state: 'open', department: '市水利局', ruleName: '警戒水位不为空' });
  });

  it('citybrain quality run follows each run to the end and prints every rule', async () => {
    const lines: string[] = [];
    expect(await runQuality('371500-ZT-SW-0099', { url: platform.url, apiKey: admin }, (l) => lines.push(l))).toBe(3);
    expect(lines[0]).toMatch(/^371500-ZT-SW-0099: run \d+ — 1 rules over 2 rows, 1 failed, score 50$/);
    expect(lines[1]).toMatch(/^ {2}FAIL {2}警戒水位不为空: 1\/2 failing, \d+ ms — e\.g\. station_id=S2,observed_at=.*: 警戒水位（米） is empty$/);
    const all: string[] = [];
    expect(await runQuality(undefined, { url: platform.url, apiKey: admin }, (l) => all.push(l))).toBe(3);
    expect(all.filter((l) => /^\S+: run \d+ — /.test(l)).map((l) => l.split(':')[0])).toEqual([
      '371500-JC-FR-0001', '371500-JC-JJ-0001', '371500-JC-KJ-0001', '371500-JC-KJ-0002', '371500-JC-KJ-0003', '371500-JC-RK-0001', '371500-JC-XY-0001',
      '371500-JC-ZZ-0001', '371500-JC-ZZ-0002', '371500-JC-ZZ-0003', '371500-JC-ZZ-0004', '371500-JC-ZZ-0005', '371500-JC-ZZ-0006', '371500-ZT-SW-0099',
    ]);
    // The demo city passes every default rule of the six base libraries; only the broken upload fails.
    expect(all.filter((l) => l.startsWith('  FAIL')).map((l) => l.split(':')[0])).toEqual(['  FAIL  警戒水位不为空']);
    const refused: string[] = [];
    expect(await runQuality('T-NOPE-1', { url: platform.url, apiKey: admin }, (l) => refused.push(l))).toBe(1);
    expect(refused[0]).toMatch(/refused \(400\).*\[\/body\/resourceCode\]/);
  });

  it('enforces the permissions of the routes', async () => {
    expect((await call(reader, 'GET', '/api/quality/rules?resource=371500-JC-RK-0001')).status).toBe(200);
    expect((await call(reader, 'POST', '/api/quality/rules', { resourceCode: '371500-JC-RK-0001', name: 'x', kind: 'not_null', field: 'name' })).status).toBe(403);
    expect((await call(reader, 'POST', '/api/quality/runs', { resourceCode: '371500-JC-RK-0001' })).status).toBe(403);
    expect((await call(reader, 'GET', '/api/quality/tickets')).status).toBe(403);
    const anonymous = await fetch(`${platform.url}/api/quality/scores`);
    expect(anonymous.status).toBe(401);
    const table = platform.modules.identity.routeTable().filter((r) => r.url.startsWith('/api/quality/'));
    expect(table.length).toBeGreaterThan(10);
    expect(table.filter((r) => !r.permission)).toEqual([]);
  });

  it('a data steward scoped to a department sees and handles that department’s tickets and rules only', async () => {
    // A department the platform did not seed: its scope comes from the org tree, not from a fixed list.
    const system = { accountId: 'system', kind: 'staff' as const, login: 'system', displayName: 'system', via: 'session' as const, grants: [], restriction: null };
    await platform.modules.identity.service.directory.createUnit(system, { code: 'D31', name: '医疗保障局', kind: 'department', parentCode: '371500' });
    expect((await call(admin, 'POST', '/api/catalog/resources/from-template', { template: 'water-level', code: '371500-ZT-SW-0098', department: '市医疗保障局' })).status).toBe(201);
    expect((await call(admin, 'POST', '/api/quality/rules', { resourceCode: '371500-ZT-SW-0098', name: '警戒水位必填', kind: 'not_null', field: 'warning_level' })).status).toBe(201);
    const csv = ['station_id,observed_at,water_level,warning_level', 'S9,2026-11-24 08:00,30.1,'].join('\n');
    expect((await call(admin, 'POST', '/api/aggregation/resources/371500-ZT-SW-0098/loads?format=csv', csv, 'text/csv')).status).toBe(202);
    const ticket = await until(async () => (await call<{ items: Ticket[] }>(admin, 'GET', '/api/quality/tickets?resource=371500-ZT-SW-0098')).body.items[0], 'the ticket of the medical-insurance bureau');
    const water = (await call<{ items: Ticket[] }>(admin, 'GET', '/api/quality/tickets?resource=371500-ZT-SW-0099')).body.items[0] as Ticket;

    const medical = await apiKeyWith(platform, ['quality.ticket.read', 'quality.ticket.handle', 'quality.rule.write'], 'D31');
    const waterSteward = await apiKeyWith(platform, ['quality.ticket.read', 'quality.ticket.handle', 'quality.rule.write'], 'D08');
    const seen = async (key: string) => (await call<{ items: Ticket[] }>(key, 'GET', '/api/quality/tickets')).body.items.map((t) => t.id);
    expect(await seen(medical)).toEqual([ticket.id]);
    expect(await seen(waterSteward)).toEqual([water.id]);
    expect((await call(medical, 'GET', `/api/quality/tickets/${water.id}`)).status).toBe(403);
    expect((await call(waterSteward, 'POST', `/api/quality/tickets/${ticket.id}/acknowledge`, {})).body).toMatchObject({ status: 403, code: 'ticket_forbidden' });
    expect((await call<Ticket>(medical, 'POST', `/api/quality/tickets/${ticket.id}/acknowledge`, { body: '已通知监测站补录' })).body).toMatchObject({ state: 'acknowledged' });

    const foreignRule = await call(waterSteward, 'POST', '/api/quality/rules', { resourceCode: '371500-ZT-SW-0098', name: '站点必填', kind: 'not_null', field: 'station_id' });
    expect(foreignRule.body).toMatchObject({ status: 403, code: 'department_out_of_scope', field: '/body/resourceCode' });
    expect((await call(medical, 'POST', '/api/quality/rules', { resourceCode: '371500-ZT-SW-0098', name: '站点必填', kind: 'not_null', field: 'station_id' })).status).toBe(201);
  });

  it('a reader scoped to a department sees the rules, runs and failing samples of that department only', async () => {
    // The two loads above left one failing run each: 市水利局 (0099, sample station S2) and 市医疗保障局 (0098, station S9).
    const runsOf = async (key: string, query = '') => (await call<{ items: Run[] }>(key, 'GET', `/api/quality/runs?limit=200${query}`)).body.items;
    const waterRun = (await runsOf(admin, '&resource=371500-ZT-SW-0099')).find((r) => r.status === 'done') as Run;
    const medicalRun = (await runsOf(admin, '&resource=371500-ZT-SW-0098')).find((r) => r.status === 'done') as Run;
    const waterRule = (await call<{ items: Rule[] }>(admin, 'GET', '/api/quality/rules?resource=371500-ZT-SW-0099')).body.items[0] as Rule;
    const medicalRule = (await call<{ items: Rule[] }>(admin, 'GET', '/api/quality/rules?resource=371500-ZT-SW-0098')).body.items[0] as Rule;
    expect((await call<Run>(reader, 'GET', `/api/quality/runs/${waterRun.id}`)).body.results?.[0]?.samples[0]?.key).toMatchObject({ station_id: 'S2' });

    const medical = await apiKeyWith(platform, ['quality.rule.read', 'quality.score.read'], 'D31');
    const runs = await runsOf(medical);
    expect(runs.map((r) => r.id)).toContain(medicalRun.id);
    expect(runs.every((r) => r.department === '市医疗保障局')).toBe(true);
    expect((await runsOf(admin)).map((r) => r.resourceCode)).toEqual(expect.arrayContaining(['371500-ZT-SW-0099', '371500-JC-RK-0001']));
    const own = await call<Run>(medical, 'GET', `/api/quality/runs/${medicalRun.id}`);
    expect(own.body.results?.[0]?.samples[0]?.key).toMatchObject({ station_id: 'S9' });
    // Another department's run, with the values that failed, is refused — not just left out of a list.
    const foreignRun = await call(medical, 'GET', `/api/quality/runs/${waterRun.id}`);
    expect(foreignRun.body).toMatchObject({ status: 403, code: 'department_out_of_scope', field: '/params/id' });
    expect(JSON.stringify(foreignRun.body)).not.toContain('S2');
    expect((await call(medical, 'GET', '/api/quality/runs?resource=371500-JC-RK-0001')).body).toMatchObject({ status: 403, code: 'department_out_of_scope', field: '/query/resource' });

    expect((await call<Rule>(medical, 'GET', `/api/quality/rules/${medicalRule.id}`)).body).toMatchObject({ id: medicalRule.id, resourceCode: '371500-ZT-SW-0098' });
    expect((await call(medical, 'GET', `/api/quality/rules/${waterRule.id}`)).body).toMatchObject({ status: 403, code: 'department_out_of_scope', field: '/params/id' });
    expect((await call(medical, 'GET', '/api/quality/rules?resource=371500-ZT-SW-0099')).body).toMatchObject({ status: 403, code: 'department_out_of_scope', field: '/query/resource' });
    expect((await call<{ items: Rule[] }>(medical, 'GET', '/api/quality/rules?resource=371500-ZT-SW-0098')).body.items.map((r) => r.id)).toContain(medicalRule.id);
    const resources = async (key: string) => (await call<{ items: Array<{ resourceCode: string }> }>(key, 'GET', '/api/quality/resources')).body.items.map((r) => r.resourceCode);
    expect(await resources(medical)).toEqual(['371500-ZT-SW-0098']);
    expect(await resources(admin)).toEqual(expect.arrayContaining(['371500-JC-RK-0001', '371500-ZT-SW-0098', '371500-ZT-SW-0099']));

    // Scores are aggregates without row values: the department ranking stays city-wide.
    const board = (await call<{ departments: Array<{ subject: string }> }>(medical, 'GET', '/api/quality/scores')).body;
    expect(board.departments.map((d) => d.subject)).toEqual(expect.arrayContaining(['市水利局', '市医疗保障局']));
  });

  it('runs the rules of the base libraries after the demo city is built, and again after a rebuild', async () => {
    const buildRuns = async (ref: string) =>
      (await platform.db.query<{ resource_code: string; score: string | number | null }>("SELECT resource_code, score FROM quality_runs WHERE trigger = 'build' AND trigger_ref = $1 AND status = 'done' ORDER BY 1", [ref])).rows;
    const backed = (await platform.modules.quality.service.resourcesWithRules({ id: 'test', departments: 'all' })).items.map((r) => r.resourceCode).filter((c) => c.startsWith('371500-JC-'));
    expect(backed).toHaveLength(13);
    const first = (await platform.db.query<{ id: number }>("SELECT id::int AS id FROM city_builds WHERE status = 'done' ORDER BY id DESC LIMIT 1")).rows[0]?.id;
    const afterStart = await until(async () => {
      const runs = await buildRuns(`city-build:${first}`);
      return runs.length === backed.length ? runs : undefined;
    }, 'the runs after the first build');
    expect(afterStart.map((r) => r.resource_code)).toEqual(backed);
    expect(afterStart.every((r) => Number(r.score) === 100)).toBe(true);
    const runs = (await call<{ items: Run[] }>(admin, 'GET', '/api/quality/runs?resource=371500-JC-RK-0001&limit=50')).body.items;
    expect(runs.some((r) => r.trigger === 'build' && r.status === 'done')).toBe(true);

    const rebuilt = await buildDemoCity(platform.db, { people: platform.config.demoPeople, seed: platform.config.demoSeed, force: true });
    const again = await until(async () => {
      const r = await buildRuns(`city-build:${rebuilt.id}`);
      return r.length === backed.length ? r : undefined;
    }, 'the runs after the rebuild');
    expect(again.map((r) => r.resource_code)).toEqual(backed);
  }, 120_000);
});
