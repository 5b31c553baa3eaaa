// 数据治理 on every engine: each rule kind catches its seeded bad row and passes the good ones; rules
// run by themselves after a load; a failing rule opens one ticket to the source department that
// stays open through later failures and closes when a fixed re-load passes; scores keep a trend;
// bad rule input is refused naming the field.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/kernel/index.ts';
import { createMemoryBus } from '../../src/platform/index.ts';
import { createQualityModule, type Rule, type Run, type ScoreBoard, type Ticket, type Trend } from '../../src/modules/quality/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { csvOf, firms, firmsWithFaults, goodFirm, people, pid, QUALITY_MIGRATIONS, startQualityStack, type QualityStack } from './fixtures.ts';

/** Rule name → [kind, field, params, the reg_no keys it must report]. */
const RULES: Record<string, [string, string | null, Record<string, unknown>, string[]]> = {
  名称非空: ['not_null', 'name', {}, ['R3']],
  许可证号唯一: ['unique', 'licence', {}, ['R4', 'R5']],
  邮箱格式: ['regex', 'email', { pattern: '[^@ ]+@[^@ ]+\\.[a-z]+' }, ['R6']],
  注册资本范围: ['range', 'capital', { min: 0, max: 1_000_000 }, ['R7']],
  信用等级取值: ['in_set', 'level', { values: ['A', 'B', 'C'] }, ['R8']],
  联系人身份号码: ['resident_id', 'contact_id', {}, ['R9']],
  信用代码校验: ['uscc', 'uscc', {}, ['R10']],
  区划代码有效: ['division_code', 'area', {}, ['R11']],
  电话格式: ['phone', 'phone', {}, ['R12']],
  法人在人口库: ['consistency', 'rep_id', { resource: people.code, target: 'id_number' }, ['R13']],
  成立日期新鲜度: ['freshness', 'founded', { maxAgeHours: 24 }, []],
  装载及时: ['freshness', null, {}, []],
  记录数下限: ['row_count', null, { min: 1000 }, []],
  记录数上限: ['row_count', null, { max: 100 }, []],
};
/** Rules that fail on the first load, and those still failing after the fixed re-load. */
const FAILING_FIRST = ['名称非空', '许可证号唯一', '邮箱格式', '注册资本范围', '信用等级取值', '联系人身份号码', '信用代码校验', '区划代码有效', '电话格式', '法人在人口库', '成立日期新鲜度', '记录数下限'];
const FAILING_AFTER_FIX = ['成立日期新鲜度', '记录数下限'];

forEachDatabase('quality', { migrations: QUALITY_MIGRATIONS }, (ctx) => {
  let s: QualityStack;
  const ruleIds = new Map<string, number>();
  const call = async <T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const res = await s.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const runsOf = async () => (await call<{ items: Run[] }>('GET', `/api/quality/runs?resource=${firms.code}`)).body.items;
  const tickets = async (q = '') => (await call<{ total: number; items: Ticket[] }>('GET', `/api/quality/tickets?resource=${firms.code}${q}`)).body.items;

  beforeAll(async () => {
    s = await startQualityStack(ctx.db);
    await s.load(people.code, ['id_number,name', `${pid(0)},甲`, `${pid(1)},乙`, `${pid(2)},丙`].join('\n'));
    for (const [name, [kind, field, params]] of Object.entries(RULES)) {
      const res = await call<Rule>('POST', '/api/quality/rules', { resourceCode: firms.code, name, kind, field, params });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ruleIds.set(name, res.body.id);
    }
  });
  afterAll(async () => {
    await s.close();
  });

  it('refuses a bad rule, naming the field', async () => {
    const bad = async (body: Record<string, unknown>) => (await call<{ status: number; field: string; detail: string }>('POST', '/api/quality/rules', { resourceCode: firms.code, name: 'x', ...body })).body;
    expect(await bad({ kind: 'not_null', field: 'nope' })).toMatchObject({ status: 400, field: '/body/field' });
    expect(await bad({ kind: 'regex', field: 'email', params: { pattern: '([a-z' } })).toMatchObject({ status: 400, field: '/body/params/pattern' });
    expect(await bad({ kind: 'range', field: 'capital', params: { min: 10, max: 1 } })).toMatchObject({ status: 400, field: '/body/params/min' });
    expect(await bad({ kind: 'range', field: 'name', params: { min: 1 } })).toMatchObject({ status: 400, field: '/body/field' });
    expect(await bad({ kind: 'in_set', field: 'level' })).toMatchObject({ status: 400, field: '/body/params/values' });
    expect(await bad({ kind: 'not_null', field: 'name', params: { pattern: 'a' } })).toMatchObject({ status: 400, field: '/body/params/pattern' });
    expect(await bad({ kind: 'consistency', field: 'rep_id', params: { resource: 'NO-SUCH-1', target: 'id_number' } })).toMatchObject({ status: 400, field: '/body/params/resource' });
    expect(await bad({ kind: 'consistency', field: 'rep_id', params: { resource: people.code, target: 'nope' } })).toMatchObject({ status: 400, field: '/body/params/target' });
    expect(await bad({ kind: 'row_count', field: null, params: { min: 5, max: 2 } })).toMatchObject({ status: 400, field: '/body/params/min' });
    expect(await bad({ kind: 'not_null', field: 'name', schedule: 'every day' })).toMatchObject({ status: 400, field: '/body/schedule' });
    expect(await bad({ kind: 'bogus', field: 'name' })).toMatchObject({ status: 400 });
    expect((await bad({ kind: 'not_null', field: 'name', resourceCode: 'NO-SUCH-1' })).field).toBe('/body/resourceCode');
    expect((await call('PUT', '/api/quality/rules/99999', { name: 'x', kind: 'not_null', field: 'name' })).status).toBe(404);
  });

  it('runs the rules after a load by itself; each kind reports its bad rows with key and reason', async () => {
    expect(await runsOf()).toEqual([]);
    const load = await s.load(firms.code, csvOf(firmsWithFaults()));
    expect(load).toMatchObject({ status: 'done', rowsInserted: 14, rowsRejected: 0 });
    const runs = await runsOf();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'load', status: 'done', rulesTotal: 14, rulesDone: 14, rowsTotal: 14, department: firms.department });
    const run = (await call<Run>('GET', `/api/quality/runs/${runs[0]?.id}`)).body;
    const byName = new Map(run.results?.map((r) => [r.ruleName, r]));
    for (const [name, [, , , keys]] of Object.entries(RULES)) {
      const r = byName.get(name);
      expect(r?.error, name).toBeNull();
      expect(r?.passed, name).toBe(!FAILING_FIRST.includes(name));
      if (keys.length) {
        expect(r?.failures, name).toBe(keys.length);
        expect(r?.samples.map((x) => x.key.reg_no).sort(), name).toEqual(keys);
        expect(r?.samples[0]?.reason, name).not.toBe('');
      }
    }
    expect(byName.get('信用代码校验')?.samples[0]?.reason).toMatch(/^统一社会信用代码: /);
    expect(byName.get('法人在人口库')?.samples[0]).toMatchObject({ value: pid(77), reason: expect.stringContaining(people.code) as unknown });
    expect(byName.get('注册资本范围')?.samples[0]?.reason).toMatch(/below the minimum 0/);
    expect(byName.get('记录数下限')?.samples[0]?.reason).toBe('14 rows, fewer than the minimum 1000');
    expect(byName.get('成立日期新鲜度')?.samples[0]?.reason).toMatch(/48 h ago/);
    expect(run.rulesFailed).toBe(FAILING_FIRST.length);
    expect(run.score).toBeGreaterThan(0);
    expect(run.score).toBeLessThan(100);

    // An event delivered again runs nothing twice.
    await s.quality.service.onDataChanged({ id: 'again', subject: 'aggregation.load.completed', data: { loadId: load.id, resourceCode: firms.code }, occurredAt: '' });
    await s.quality.service.idle();
    expect(await runsOf()).toHaveLength(1);
  });

  it('opens one ticket per failing rule to the source department and keeps it through later failures', async () => {
    const open = await tickets('&state=active');
    expect(open.map((t) => t.ruleName).sort()).toEqual([...FAILING_FIRST].sort());
    expect(new Set(open.map((t) => t.department))).toEqual(new Set([firms.department]));
    expect(open.find((t) => t.ruleName === '电话格式')?.summary).toMatch(/1 of 14 rows fail/);

    const manual = await call<Run>('POST', '/api/quality/runs', { resourceCode: firms.code });
    expect(manual.status).toBe(202);
    await s.quality.service.idle();
    expect((await call<Run>('GET', `/api/quality/runs/${manual.body.id}`)).body).toMatchObject({ trigger: 'manual', status: 'done' });
    const after = await tickets('&state=active');
    expect(after.map((t) => t.id).sort()).toEqual(open.map((t) => t.id).sort());
    expect(after.every((t) => t.failingRuns === 2)).toBe(true);
  });

  it('lets the department acknowledge and comment, audited; other departments cannot', async () => {
    const t = (await tickets('&state=open'))[0] as Ticket;
    const market = { id: 'steward-1', departments: ['市场监管局'] };
    const police = { id: 'steward-2', departments: ['公安局'] };
    expect((await s.quality.service.listTickets({ limit: 50, offset: 0, resource: firms.code }, market)).total).toBe(FAILING_FIRST.length);
    expect((await s.quality.service.listTickets({ limit: 50, offset: 0, resource: firms.code }, police)).total).toBe(0);
    await expect(s.quality.service.acknowledge(t.id, undefined, police)).rejects.toMatchObject({ kind: 'forbidden' });
    const acked = await s.quality.service.acknowledge(t.id, '已安排核实整改', market);
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'steward-1' });
    await expect(s.quality.service.acknowledge(t.id, undefined, market)).rejects.toMatchObject({ kind: 'conflict' });
    const commented = await call<Ticket>('POST', `/api/quality/tickets/${t.id}/comments`, { body: '预计本周修复' });
    expect(commented.body.notes?.map((n) => n.kind)).toEqual(['opened', 'acknowledged', 'comment']);
    expect((await call('POST', `/api/quality/tickets/${t.id}/comments`, { body: '' })).body).toMatchObject({ status: 400, field: '/body/body' });
    const { rows } = await ctx.db.query<{ action: string; actor: string }>("SELECT action, actor FROM platform_audit_log WHERE target = $1 ORDER BY seq", [`quality-ticket:${t.id}`]);
    expect(rows.map((r) => r.action)).toEqual(['quality.ticket.open', 'quality.ticket.acknowledge', 'quality.ticket.comment']);
  });

  it('closes the tickets of rules that pass after a fixed re-load; the score and its trend rise', async () => {
    const fixed = Array.from({ length: 14 }, (_, i) => goodFirm(i + 1));
    const load = await s.load(firms.code, csvOf(fixed));
    expect(load).toMatchObject({ status: 'done', rowsUpdated: 14 });
    const runs = await runsOf();
    expect(runs[0]).toMatchObject({ trigger: 'load', status: 'done' });
    expect(runs[0]?.score).toBeGreaterThan(runs[runs.length - 1]?.score ?? 100);
    const active = await tickets('&state=active');
    expect(active.map((t) => t.ruleName).sort()).toEqual([...FAILING_AFTER_FIX].sort());
    expect(active.every((t) => t.failingRuns === 3)).toBe(true);
    const closed = await tickets('&state=closed');
    expect(closed).toHaveLength(FAILING_FIRST.length - FAILING_AFTER_FIX.length);
    expect(closed.every((t) => t.closedReason === `passed in run ${runs[0]?.id}`)).toBe(true);

    const board = (await call<ScoreBoard>('GET', '/api/quality/scores')).body;
    const mine = board.resources.find((r) => r.subject === firms.code);
    expect(mine).toMatchObject({ name: firms.name, department: firms.department, openTickets: FAILING_AFTER_FIX.length, score: runs[0]?.score });
    expect(board.departments.find((d) => d.subject === firms.department)?.score).toBe(runs[0]?.score);
    const trend = (await call<Trend>('GET', `/api/quality/scores/trend?scope=resource&subject=${firms.code}`)).body;
    expect(trend.points.map((p) => p.score)).toEqual([...runs].reverse().map((r) => r.score));
    const dept = (await call<Trend>('GET', `/api/quality/scores/trend?scope=department&subject=${encodeURIComponent(firms.department)}`)).body;
    expect(dept.points).toHaveLength(3);
    expect((await call('GET', '/api/quality/scores/trend?scope=region&subject=x')).body).toMatchObject({ status: 400, field: '/querystring/scope' });
  });

  it('closes the ticket of a disabled rule and leaves it out of later runs', async () => {
    const id = ruleIds.get('记录数下限') as number;
    const rule = (await call<Rule>('GET', `/api/quality/rules/${id}`)).body;
    const off = await call<Rule>('PUT', `/api/quality/rules/${id}`, { name: rule.name, kind: rule.kind, field: rule.field, params: rule.params, enabled: false });
    expect(off.body.enabled).toBe(false);
    expect((await tickets('&state=active')).map((t) => t.ruleName)).toEqual(['成立日期新鲜度']);
    const run = await call<Run>('POST', '/api/quality/runs', { resourceCode: firms.code });
    await s.quality.service.idle();
    expect((await call<Run>('GET', `/api/quality/runs/${run.body.id}`)).body.results?.map((r) => r.ruleId)).not.toContain(id);
    expect((await call('POST', '/api/quality/runs', { resourceCode: firms.code, ruleIds: [id] })).body).toMatchObject({ status: 400, field: '/body/ruleIds/0' });
    expect((await call('POST', '/api/quality/runs', { resourceCode: 'T-NONE-1' })).body).toMatchObject({ status: 400, field: '/body/resourceCode' });
    // A catalogued resource without any rule has nothing to run.
    await s.catalog.service.create({ ...people, code: 'T-NORULES-1', name: '无规则资源' }, { id: 'test' });
    expect((await call('POST', '/api/quality/runs', { resourceCode: 'T-NORULES-1' })).status).toBe(409);
  });

  it('runs a rule on its cron schedule', async () => {
    const rule = await s.quality.service.createRule({ resourceCode: firms.code, name: '每秒检查', kind: 'not_null', field: 'reg_no', schedule: '* * * * * *' }, { id: 'test', departments: 'all' });
    const logger = createLogger({ level: 'silent' });
    const scheduler = createQualityModule({ db: ctx.db, logger, clock: s.clock, bus: createMemoryBus(logger) }, { catalog: s.catalog.service, aggregation: s.aggregation.service });
    await scheduler.start?.();
    try {
      let scheduled: Run | undefined;
      for (let i = 0; i < 100 && !scheduled; i++) {
        await new Promise((r) => setTimeout(r, 100));
        scheduled = (await runsOf()).find((r) => r.trigger === 'schedule' && r.status === 'done');
      }
      expect(scheduled).toBeDefined();
      const detail = (await call<Run>('GET', `/api/quality/runs/${scheduled?.id}`)).body;
      expect(detail.results?.map((r) => r.ruleId)).toEqual([rule.id]);
    } finally {
      await scheduler.stop?.();
      await s.quality.service.updateRule(rule.id, { name: rule.name, kind: 'not_null', field: 'reg_no', enabled: false }, { id: 'test', departments: 'all' });
    }
  });
});
