// 数据权限与访问审计: a grant scoped to a district reaches that district's people and enterprises
// only (also through an API key of the grantee), every personal-data read and every change is in
// the hash-chained audit log, the org tree reaches down to the grids, and the system administrator
// cannot disable the other two administrators (三员分立).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waterSensor } from '../iot/support.ts';
import { apiKeyWith, startIdentityPlatform, type IdentityHarness } from './support.ts';

interface AuditRow {
  actor: string;
  action: string;
  target: string;
  outcome: string;
  details: { status?: number; route?: string };
}

describe('data access: region scope and the audit of reads and changes', () => {
  let h: IdentityHarness;
  let near = { idNumber: '', district: '', uscc: '' };
  let far = { idNumber: '', district: '', uscc: '' };

  const auditOf = async (target: string): Promise<AuditRow[]> =>
    (await h.platform.db.query<AuditRow>('SELECT actor, action, target, outcome, details FROM platform_audit_log WHERE target LIKE $1 ORDER BY seq', [`%${target}%`])).rows;

  beforeAll(async () => {
    h = await startIdentityPlatform();
    const rows = (await h.platform.db.query<{ idNumber: string; district: string; uscc: string }>(
      `SELECT DISTINCT ON (e.district_code) e.legal_rep_id AS "idNumber", e.district_code AS district, e.uscc
       FROM city_enterprises e JOIN city_residents r ON r.id_number = e.legal_rep_id AND r.district_code = e.district_code
       ORDER BY e.district_code, e.uscc`,
    )).rows;
    if (rows.length < 2) throw new Error('the demo city needs enterprises in two districts');
    [near, far] = rows as [typeof near, typeof far];
  }, 300_000);
  afterAll(() => h?.dispose());

  it('a grant scoped to a district looks up that district only; its API key reaches no further', async () => {
    const scoped = h.client(await apiKeyWith(h.platform, ['city.resident.read', 'city.enterprise.read'], near.district));
    expect((await scoped.call('GET', `/api/city/residents/${near.idNumber}`)).status).toBe(200);
    expect((await scoped.call('GET', `/api/city/enterprises/${near.uscc}`)).status).toBe(200);
    const outside = await scoped.call('GET', `/api/city/residents/${far.idNumber}`);
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({ code: 'resident_out_of_scope', field: 'idNumber' });
    expect((await scoped.call('GET', `/api/city/enterprises/${far.uscc}`)).body).toMatchObject({ code: 'enterprise_out_of_scope' });

    // A grant scoped to a city department (大数据局) reaches the whole city.
    const department = h.client(await apiKeyWith(h.platform, ['city.resident.read'], 'D01'));
    expect((await department.call('GET', `/api/city/residents/${far.idNumber}`)).status).toBe(200);
    // Plain staff no longer read the population library at all.
    const staff = h.client(await apiKeyWith(h.platform, ['identity.unit.read', 'map.*.read']));
    expect((await staff.call('GET', `/api/city/residents/${near.idNumber}`)).status).toBe(403);
  });

  it('appends every personal-data read, allowed or refused, to the audit log with who, what and the answer', async () => {
    const key = await apiKeyWith(h.platform, ['city.resident.read'], near.district);
    const reader = h.client(key);
    await reader.call('GET', `/api/city/residents/${near.idNumber}`);
    await reader.call('GET', `/api/city/residents/${far.idNumber}`);
    const nearReads = (await auditOf(near.idNumber)).filter((r) => r.action === 'city.resident.read:read' && r.actor.startsWith('apikey:'));
    expect(nearReads.at(-1)).toMatchObject({ target: `GET /api/city/residents/${near.idNumber}`, outcome: 'success', details: { status: 200, route: 'GET /api/city/residents/:idNumber' } });
    const farReads = (await auditOf(far.idNumber)).filter((r) => r.action === 'city.resident.read:read');
    expect(farReads.at(-1)).toMatchObject({ outcome: 'denied', details: { status: 403 } });
    // Aggregates are not personal data: the public summary leaves no entry.
    await h.client().call('GET', '/api/city/summary');
    expect(await auditOf('/api/city/summary')).toEqual([]);
    expect((await h.platform.modules.identity.service.verifyAudit({ accountId: 'system', kind: 'staff', login: 'system', displayName: 'system', via: 'session', grants: [], restriction: null })).ok).toBe(true);
  });

  it('appends every change made through the API (an admin action in any module), and a refused one once', async () => {
    const operator = h.client(await apiKeyWith(h.platform, ['iot.device.write', 'iot.device.read']));
    const id = `audit-${Math.random().toString(36).slice(2, 8)}`;
    expect((await operator.call('POST', '/api/iot/devices', waterSensor(id))).status).toBe(201);
    const invalid = await operator.call('POST', '/api/iot/devices', { ...waterSensor(`${id}-x`), typeId: 'NoSuchType' });
    expect(invalid.status).toBe(400);
    const changes = await auditOf('/api/iot/devices');
    expect(changes.filter((r) => r.action === 'iot.device.write').map((r) => [r.outcome, r.details.status])).toEqual([['success', 201], ['failure', 400]]);
    // A caller without the permission is refused by the access hook: one `access.denied` entry, not two.
    const reader = h.client(await apiKeyWith(h.platform, ['iot.device.read']));
    expect((await reader.call('POST', '/api/iot/devices', waterSensor(`${id}-y`))).status).toBe(403);
    const after = await auditOf('/api/iot/devices');
    expect(after.length - changes.length).toBe(1);
    expect(after.at(-1)).toMatchObject({ action: 'access.denied', outcome: 'denied' });
  });

  it('一数一源: a grant scoped to a department catalogues, loads and manages devices of that department only', async () => {
    const water = h.client(await apiKeyWith(h.platform, ['catalog.resource.write', 'aggregation.push.write', 'iot.device.write', 'iot.device.read'], 'D08'));
    const admin = h.client(await apiKeyWith(h.platform, ['catalog.resource.write', 'iot.device.write', 'iot.device.read']));
    const run = Math.random().toString(36).slice(2, 6).toUpperCase();
    expect((await water.call('POST', '/api/catalog/resources/from-template', { template: 'water-level', code: `371500-ZT-SW-${run}1`, department: '市水利局' })).status).toBe(201);
    const foreign = await water.call('POST', '/api/catalog/resources/from-template', { template: 'water-level', code: `371500-ZT-SW-${run}2`, department: '市公安局' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ code: 'department_out_of_scope', field: '/body/department' });
    expect((await admin.call('POST', '/api/catalog/resources/from-template', { template: 'water-level', code: `371500-ZT-SW-${run}3`, department: '市公安局' })).status).toBe(201);
    const records = { records: [{ station_id: 'S1', observed_at: '2026-11-24 08:00', water_level: 31.2 }] };
    expect((await water.call('POST', `/api/aggregation/resources/371500-ZT-SW-${run}1/records`, records)).status).toBe(200);
    const refused = await water.call('POST', `/api/aggregation/resources/371500-ZT-SW-${run}3/records`, records);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'department_out_of_scope' });

    const id = `dept-${run.toLowerCase()}`;
    expect((await water.call('POST', '/api/iot/devices', waterSensor(`${id}-1`, { ownerDepartment: '市水利局' }))).status).toBe(201);
    expect((await water.call('POST', '/api/iot/devices', waterSensor(`${id}-2`, { ownerDepartment: '市公安局' }))).body).toMatchObject({ code: 'department_out_of_scope', field: '/body/ownerDepartment' });
    expect((await admin.call('POST', '/api/iot/devices', waterSensor(`${id}-3`, { ownerDepartment: '市公安局' }))).status).toBe(201);
    expect((await water.call('DELETE', `/api/iot/devices/${id}-3`)).status).toBe(403);
    expect((await water.call('POST', `/api/iot/devices/${id}-3/token`)).status).toBe(403);
    expect((await water.call('PATCH', `/api/iot/devices/${id}-1`, { name: '徒骇河水位站' })).status).toBe(200);
    expect((await water.call('PATCH', `/api/iot/devices/${id}-1`, { ownerDepartment: '市公安局' })).status).toBe(403);
  });

  it('reaches down to the grids in the org tree', async () => {
    const grid = (await h.platform.db.query<{ code: string; village: string }>('SELECT code, village_code AS village FROM city_grids ORDER BY code LIMIT 1')).rows[0];
    const sys = await h.admin('sysadmin');
    const units = await sys.call<Array<{ code: string; kind: string; parentCode: string }>>('GET', `/api/identity/units?parent=${grid?.village ?? ''}`);
    expect(units.status).toBe(200);
    expect(units.body).toContainEqual(expect.objectContaining({ code: grid?.code, kind: 'grid', parentCode: grid?.village }));
  });

  it('三员分立: the system administrator cannot disable the security or the audit administrator', async () => {
    const sys = await h.admin('sysadmin');
    for (const login of ['secadmin', 'auditadmin']) {
      const id = (await h.platform.db.query<{ id: string }>('SELECT id::text FROM identity_accounts WHERE login = $1', [login])).rows[0]?.id ?? '';
      const res = await sys.call('POST', `/api/identity/accounts/${id}/status`, { status: 'disabled' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'separation_of_duties', field: 'id' });
    }
    const auditor = await h.admin('auditadmin');
    expect((await auditor.call('GET', '/api/identity/audit?limit=1')).status).toBe(200);
  });
});
