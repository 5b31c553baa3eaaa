/**
 * Demo-city build rate (rows/s) on PGlite and PostgreSQL, next to the ceiling of each engine
 * measured in the same run: a bare COPY of the very same rows (pre-encoded COPY text) into
 * tables of the same shape without keys or indexes.
 */
import { migrate, platformMigrations } from '../src/platform/index.ts';
import { buildDemoCity, createCityModule } from '../src/modules/city/index.ts';
import { createLogger, systemClock } from '../src/kernel/index.ts';
import { argValue, eachBenchDatabase, log, printTable, type BenchDatabase } from './support.ts';

const tables = ['city_divisions', 'city_grids', 'city_households', 'city_residents', 'city_enterprises'];

async function measure(target: BenchDatabase, people: number, seed: number) {
  const { db } = target;
  const city = createCityModule({ db, logger: createLogger({ level: 'silent' }), clock: systemClock });
  await migrate(db, [platformMigrations, city.migrations]);
  log(`${target.label}: building a city of ${people.toLocaleString('en-US')} people…`);
  let lastPhase = '';
  const t0 = performance.now();
  const result = await buildDemoCity(db, { people, seed, force: true }, (p) => {
    if (p.phase !== lastPhase) log(`  ${p.phase}…`);
    lastPhase = p.phase;
  });
  const buildSeconds = (performance.now() - t0) / 1000;

  // The ceiling: export the same rows as COPY text once, then time only loading them.
  const texts = new Map<string, { columns: string[]; text: string[] }>();
  for (const table of tables) {
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const columns = rows.map((r) => r.column_name);
    const chunks: string[] = [];
    let pending = '';
    for await (const chunk of db.copyTo(`SELECT ${columns.join(', ')} FROM ${table}`)) {
      // Re-cut into chunks of whole lines (~4 MB) so both engines load them the same way.
      pending += chunk;
      if (pending.length > 4_000_000) {
        const cut = pending.lastIndexOf('\n') + 1;
        chunks.push(pending.slice(0, cut));
        pending = pending.slice(cut);
      }
    }
    if (pending) chunks.push(pending);
    texts.set(table, { columns, text: chunks });
    await db.exec(`CREATE TABLE bench_${table} (LIKE ${table})`);
  }
  const t1 = performance.now();
  for (const [table, { columns, text }] of texts) {
    await db.copyFromText(`bench_${table}`, columns, (async function* () {
      yield* text;
    })());
  }
  const copySeconds = (performance.now() - t1) / 1000;
  for (const table of tables) await db.exec(`DROP TABLE bench_${table}`);
  return { rows: result.rows, buildSeconds, copySeconds };
}

export async function benchCity(): Promise<void> {
  const people = argValue('people', 100_000);
  const seed = argValue('seed', 371500);
  const rows = await eachBenchDatabase(async (target) => {
    const m = await measure(target, people, seed);
    const buildRate = Math.round(m.rows / m.buildSeconds);
    const copyRate = Math.round(m.rows / m.copySeconds);
    return [target.label, m.rows, `${m.buildSeconds.toFixed(1)} s`, buildRate, copyRate, `${Math.round((100 * buildRate) / copyRate)}%`];
  });
  printTable(
    `Demo city build, ${people.toLocaleString('en-US')} people (seed ${seed}) — build includes generation, keys, indexes and statistics`,
    ['engine', 'rows', 'build time', 'build rows/s', 'ceiling: bare COPY rows/s', 'build / ceiling'],
    rows,
  );
}
