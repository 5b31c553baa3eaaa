// `citybrain import` against a listening server: the file streams up, the load is followed to the
// end, and the counts and the quarantine link are printed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../src/cli/import.ts';
import { createLogger, systemClock } from '../../src/kernel/index.ts';
import { generateResidentId } from '../../src/kernel/ids/index.ts';
import { aggregationMigrations, createAggregationModule } from '../../src/modules/aggregation/index.ts';
import { catalogMigrations, createCatalogModule } from '../../src/modules/catalog/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, type Database, type HttpApp } from '../../src/platform/index.ts';
import { openTestDatabase } from '../support/databases.ts';

describe('citybrain import', () => {
  let app: HttpApp;
  let db: Database;
  let close: () => Promise<void>;
  let dir: string;
  let url: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-import-'));
    ({ db, close } = await openTestDatabase('pglite', [catalogMigrations, aggregationMigrations]));
    const logger = createLogger({ level: 'silent' });
    const catalog = createCatalogModule({ db, logger, clock: systemClock });
    await catalog.start?.();
    await catalog.service.createFromTemplate({ template: 'social-security-pension', code: '371500-ZT-SB-0009', department: '市人社局' }, { id: 'test' });
    const aggregation = createAggregationModule({ db, logger, clock: systemClock, catalog: catalog.service, config: { dataDir: dir } });
    app = await createHttpServer({ logger, db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test' });
    await app.register(aggregation.routes as (a: HttpApp) => void, { prefix: '/api/aggregation' });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    app.server.closeAllConnections();
    await app.close();
    await close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('loads a file and prints the counts and where the bad rows are', async () => {
    const lines = ['id_number,status,insured_since'];
    for (let i = 0; i < 2000; i++) lines.push(`${generateResidentId({ divisionCode: '371502', birthDate: i < 1000 ? '1970-01-01' : '1971-01-01', sequence: i % 1000, sex: i % 2 ? 'male' : 'female' })},在保,2010-01-01`);
    lines.push('not-an-id,在保,2010-01-01');
    const file = path.join(dir, 'pension.csv');
    await fs.writeFile(file, lines.join('\n'));
    const printed: string[] = [];
    const code = await importFile('371500-ZT-SB-0009', file, { url }, (l) => printed.push(l));
    expect(code).toBe(0);
    expect(printed[0]).toMatch(/^load \d+ done: 2001 rows read, 2000 inserted, 0 updated, 1 quarantined$/);
    expect(printed[1]).toMatch(/\/api\/aggregation\/loads\/\d+\/rejects\.csv$/);
  });

  it('maps columns with --map and lists the columns it did not load', async () => {
    const pid = (n: number) => generateResidentId({ divisionCode: '371502', birthDate: '1972-01-01', sequence: n, sex: 'male' });
    const file = path.join(dir, 'mapped.csv');
    await fs.writeFile(file, ['身份证,状态,参保时间,单位', `${pid(1)},在保,2011-01-01,某单位`, `${pid(2)},停保,2012-01-01,某单位`].join('\n'));
    const printed: string[] = [];
    expect(await importFile('371500-ZT-SB-0009', file, { url, map: ['身份证=id_number', '状态=status', '参保时间=insured_since'] }, (l) => printed.push(l))).toBe(0);
    expect(printed[0]).toMatch(/^load \d+ done: 2 rows read, 2 inserted, 0 updated, 0 quarantined$/);
    expect(printed[1]).toBe('columns not loaded (no data item matches): 单位; map them with --map 列名=item, or leave them out with --map 列名=');
    const refused: string[] = [];
    expect(await importFile('371500-ZT-SB-0009', file, { url, map: ['身份证=nope'] }, (l) => refused.push(l))).toBe(1);
    expect(refused[0]).toMatch(/^import refused \(400\): "nope" is not a data item .*\[\/query\/map\/0\]$/);
  });

  it('says why an import is refused', async () => {
    const file = path.join(dir, 'x.bin');
    await fs.writeFile(file, 'a,b\n');
    const printed: string[] = [];
    expect(await importFile('371500-ZT-SB-0009', file, { url }, (l) => printed.push(l))).toBe(1);
    expect(printed[0]).toMatch(/^import refused \(400\): .*\[\/query\/format\]$/);
  });
});
