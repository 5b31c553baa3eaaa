/**
 * Import rate (rows/s) of a CSV through the whole aggregation pipeline (encoding detection,
 * streaming parse, every cell checked incl. resident ID check digits, COPY into a stage, one
 * upsert by key) next to the ceiling measured in the same run: a bare COPY of the same file's
 * rows into a table of text columns without keys.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrate, platformMigrations } from '../src/platform/index.ts';
import { aggregationMigrations, createAggregationModule } from '../src/modules/aggregation/index.ts';
import { catalogMigrations, createCatalogModule } from '../src/modules/catalog/index.ts';
import { createLogger, systemClock } from '../src/kernel/index.ts';
import { generateResidentId } from '../src/kernel/ids/index.ts';
import { argValue, eachBenchDatabase, log, printTable, type BenchDatabase } from './support.ts';

const CODE = 'BENCH-SB-0001';

async function writeCsv(file: string, rows: number): Promise<number> {
  const out = fs.createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('id_number,name,insured_on,base_amount\n');
  const start = Date.UTC(1950, 0, 1);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    // A distinct valid ID per row: birth date and sequence walk through their ranges.
    const birth = new Date(start + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
    buf += `${generateResidentId({ divisionCode: '371502', birthDate: birth, sequence: i % 1000, sex: i % 2 ? 'male' : 'female' })},居民${i},2015-0${(i % 9) + 1}-1${i % 10},${(3000 + (i % 5000)).toFixed(2)}\n`;
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((r) => out.end(() => r()));
  return (await fsp.stat(file)).size;
}

async function measure(target: BenchDatabase, file: string, rows: number, dataDir: string) {
  const { db } = target;
  await migrate(db, [platformMigrations, catalogMigrations, aggregationMigrations]);
  const logger = createLogger({ level: 'silent' });
  const catalog = createCatalogModule({ db, logger, clock: systemClock });
  await catalog.start?.();
  await catalog.service.createFromTemplate({ template: 'social-security-pension', code: CODE, department: '市人社局' }, { id: 'bench' });
  const aggregation = createAggregationModule({ db, logger, clock: systemClock, catalog: catalog.service, config: { dataDir } });

  log(`${target.label}: importing ${rows.toLocaleString('en-US')} rows…`);
  const t0 = performance.now();
  const load = await aggregation.service.upload(CODE, fs.createReadStream(file), { format: 'csv', fileName: 'bench.csv' }, { id: 'bench' });
  await aggregation.service.idle();
  const importSeconds = (performance.now() - t0) / 1000;
  const done = await aggregation.service.getLoad(load.id);
  if (done.status !== 'done' || done.rowsInserted !== rows) throw new Error(`import did not land every row: ${JSON.stringify(done)}`);

  log(`${target.label}: bare COPY of the same file…`);
  await db.exec('CREATE TABLE bench_copy (id_number text, name text, insured_on text, base_amount text)');
  const t1 = performance.now();
  async function* chunks() {
    let pending = '';
    let header = true;
    for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 4 << 20 })) {
      pending += chunk as string;
      const cut = pending.lastIndexOf('\n') + 1;
      let text = pending.slice(0, cut);
      pending = pending.slice(cut);
      if (header) {
        text = text.slice(text.indexOf('\n') + 1);
        header = false;
      }
      yield text.replaceAll(',', '\t');
    }
  }
  await db.copyFromText('bench_copy', ['id_number', 'name', 'insured_on', 'base_amount'], chunks());
  const copySeconds = (performance.now() - t1) / 1000;
  return [target.label, rows, importSeconds.toFixed(1), Math.round(rows / importSeconds), copySeconds.toFixed(1), Math.round(rows / copySeconds), `${((copySeconds / importSeconds) * 100).toFixed(0)}%`];
}

export async function benchAggregation(): Promise<void> {
  const rows = argValue('rows', 1_000_000);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'citybrain-bench-agg-'));
  try {
    const file = path.join(dir, 'pension.csv');
    log(`writing a ${rows.toLocaleString('en-US')}-row CSV…`);
    const size = await writeCsv(file, rows);
    log(`  ${(size / 1e6).toFixed(0)} MB`);
    const table = await eachBenchDatabase((target) => measure(target, file, rows, dir));
    printTable(`CSV import (${(size / 1e6).toFixed(0)} MB) through the aggregation pipeline vs a bare COPY of the same rows`, ['engine', 'rows', 'import s', 'import rows/s', 'COPY s', 'COPY rows/s', 'import / ceiling'], table);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
