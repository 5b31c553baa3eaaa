/**
 * `npm run bench [-- <suite>] [--people N]` — runs the named benchmark suite (all by default).
 * Each suite prints its figures next to the ceiling of the engine underneath, measured in the same run.
 */
import { benchCity } from './city.ts';
import { benchCatalog } from './catalog.ts';
import { benchAggregation } from './aggregation.ts';
import { benchQuality } from './quality.ts';
import { benchIdentity } from './identity.ts';
import { benchIot } from './iot.ts';
import { benchNgsiLd } from './ngsi-ld.ts';
import { benchEvents } from './events.ts';
import { benchMap } from './map.ts';

const suites: Record<string, () => Promise<void>> = {
  city: benchCity,
  catalog: benchCatalog,
  aggregation: benchAggregation,
  quality: benchQuality,
  identity: benchIdentity,
  iot: benchIot,
  'ngsi-ld': benchNgsiLd,
  events: benchEvents,
  map: benchMap,
};

const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').startsWith('--'));
const names = wanted.length > 0 ? wanted : Object.keys(suites);
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    process.stderr.write(`unknown benchmark ${JSON.stringify(name)}; suites: ${Object.keys(suites).join(', ')}\n`);
    process.exit(2);
  }
  await suite();
}
