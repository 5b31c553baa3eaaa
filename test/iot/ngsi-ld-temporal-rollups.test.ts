// NGSI-LD temporal aggregation of device readings from the stored rollups: when the periods are
// whole UTC hours (days) from an aligned start, avg / min / max / sum / totalCount come from the
// hourly (daily) rollup and only the partial hour at an unaligned end from raw readings — the same
// answer as aggregating the raw readings, and still there once the raw readings are gone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/index.ts';
import { createIotModule, iotMigrations, type IotModule } from '../../src/modules/iot/index.ts';
import { CORE_CONTEXT } from '../../src/modules/iot/ngsi-ld/index.ts';
import { createMqttEngine } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { silent, waterSensor } from './support.ts';

const DEVICE = 'wl-trollup';
const ENTITY = `urn:ngsi-ld:WaterObserved:${DEVICE}`;
const START = Date.parse('2026-06-07T00:00:00Z');
// Three days of a reading every 10 minutes. Quarter steps are exact in binary floating point, so
// any order of summation gives the same sums and the two paths can be compared for equality.
const READINGS = Array.from({ length: 3 * 144 }, (_, i) => ({ observedAt: new Date(START + i * 600_000).toISOString(), values: { height: 1 + (i % 16) * 0.25 + (i % 7 === 0 ? 3 : 0) } }));

const ALL = 'aggrMethods=avg,min,max,sum,totalCount';
const QUERIES = [
  // unaligned end: the hours up to 17:00 from the rollup, 17:00–17:45 from raw readings
  `timerel=between&timeAt=2026-06-07T00:00:00Z&endTimeAt=2026-06-09T17:45:00Z&${ALL}&aggrPeriodDuration=PT1H`,
  `timerel=between&timeAt=2026-06-07T00:00:00Z&endTimeAt=2026-06-09T17:45:00Z&${ALL}&aggrPeriodDuration=P1D`,
  `timerel=between&timeAt=2026-06-07T06:00:00Z&endTimeAt=2026-06-10T00:00:00Z&aggrMethods=max,totalCount&aggrPeriodDuration=PT3H`,
  // open end, and no start (periods counted from 1970-01-01)
  `timerel=after&timeAt=2026-06-08T00:00:00Z&${ALL}&aggrPeriodDuration=PT1H`,
  `timerel=before&timeAt=2026-06-08T12:30:00Z&aggrMethods=sum,avg&aggrPeriodDuration=P1D`,
];
// Periods starting at half past: they cut through rollup hours, so only raw readings fit.
const UNALIGNED = `timerel=between&timeAt=2026-06-07T00:30:00Z&endTimeAt=2026-06-08T00:30:00Z&${ALL}&aggrPeriodDuration=PT1H`;

type TemporalQuery = Parameters<IotModule['ngsiLd']['temporal']['entity']>[1];
const query = (q: string): TemporalQuery => Object.fromEntries(new URLSearchParams(q));

forEachDatabase('NGSI-LD temporal aggregation from rollups', { migrations: [iotMigrations] }, (ctx) => {
  const clock = fixedClock('2026-06-10T12:00:00Z');
  let iot: IotModule;
  /** The same module reading raw readings only. */
  let rawOnly: IotModule;

  const series = async (module: IotModule, q: string) => (await module.ngsiLd.temporal.entity(ENTITY, { attrs: 'height', ...query(q) }, CORE_CONTEXT)).height;

  beforeAll(async () => {
    iot = createIotModule({ db: ctx.db, clock, logger: silent, mqtt: createMqttEngine({ port: 0, logger: silent }) });
    rawOnly = createIotModule({ db: ctx.db, clock, logger: silent, mqtt: createMqttEngine({ port: 0, logger: silent }) }, { ngsiLd: { temporalRollups: false } });
    const { token } = await iot.registry.register(waterSensor(DEVICE));
    for (const r of READINGS) await iot.ingestion.handleHttp(DEVICE, token, r);
    await iot.drain();
  });
  afterAll(async () => {
    await iot.stop?.();
  });

  it('answers whole-hour and whole-day periods from the rollups with the figures of the raw readings', async () => {
    const before = iot.ngsiLd.temporal.stats();
    for (const q of QUERIES) {
      const fromRollups = await series(iot, q);
      expect(fromRollups, q).toEqual(await series(rawOnly, q));
      expect(Object.keys(fromRollups as object).length, q).toBeGreaterThan(1);
    }
    expect(await series(iot, UNALIGNED)).toEqual(await series(rawOnly, UNALIGNED));
    expect(iot.ngsiLd.temporal.stats()).toEqual({ aggregatedFromRollups: before.aggregatedFromRollups + QUERIES.length, aggregatedFromRaw: before.aggregatedFromRaw + 1 });
    expect(rawOnly.ngsiLd.temporal.stats().aggregatedFromRollups).toBe(0);

    const days = (await series(iot, QUERIES[1] ?? '')) as { totalCount: Array<[number, string, string]>; max: Array<[number, string, string]> };
    expect(days.totalCount).toEqual([
      [144, '2026-06-07T00:00:00.000Z', '2026-06-08T00:00:00.000Z'],
      [144, '2026-06-08T00:00:00.000Z', '2026-06-09T00:00:00.000Z'],
      [107, '2026-06-09T00:00:00.000Z', '2026-06-10T00:00:00.000Z'],
    ]);
    expect(days.max[0]?.[0]).toBe(Math.max(...READINGS.slice(0, 144).map((r) => r.values.height)));
  });

  it('still answers from the rollups once the raw readings are gone', async () => {
    const q = `timerel=between&timeAt=2026-06-07T00:00:00Z&endTimeAt=2026-06-10T00:00:00Z&${ALL}&aggrPeriodDuration=PT6H`;
    const expected = await series(iot, q);
    expect((expected as { totalCount: unknown[] }).totalCount).toHaveLength(12);
    await ctx.db.query('DELETE FROM iot_telemetry WHERE device_id = $1', [DEVICE]);
    expect(await series(iot, q)).toEqual(expected);
    // Raw-only reading (and periods that do not fit the rollups) find nothing any more.
    expect(await series(rawOnly, q)).toMatchObject({ totalCount: [] });
    expect(await series(iot, UNALIGNED)).toMatchObject({ totalCount: [] });
  });
});
