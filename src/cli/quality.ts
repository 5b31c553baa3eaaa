// `citybrain quality run [resource-code]`: ask a running platform to run the quality rules of one
// resource (or of every resource with rules), follow each run with a progress bar, print the results.
import { phaseProgress } from './progress.ts';

export interface QualityRunOptions {
  url: string;
  apiKey?: string;
}

interface RunView {
  id: number;
  resourceCode: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  rulesTotal: number;
  rulesDone: number;
  rulesFailed: number;
  rowsTotal: number | null;
  score: number | null;
  error: string | null;
  results?: Array<{ ruleName: string; passed: boolean; failures: number; rowsChecked: number; durationMs: number; error: string | null; samples: Array<{ key: Record<string, string | null>; reason: string }> }>;
}

/** Exit code: 0 every rule passed, 3 some rule failed, 1 a run was refused or failed. */
export async function runQuality(code: string | undefined, opts: QualityRunOptions, out: (line: string) => void): Promise<number> {
  const base = opts.url.replace(/\/$/, '');
  const headers: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as T };
  };
  let codes: string[];
  if (code) codes = [code];
  else {
    const list = await get<{ items?: Array<{ resourceCode: string }>; detail?: string }>('/api/quality/resources');
    if (list.status !== 200) {
      out(`quality run refused (${list.status}): ${list.body.detail ?? JSON.stringify(list.body)}`);
      return 1;
    }
    codes = (list.body.items ?? []).map((r) => r.resourceCode);
    if (codes.length === 0) {
      out('no resource has enabled quality rules');
      return 0;
    }
  }
  let exit = 0;
  for (const c of codes) {
    const res = await fetch(`${base}/api/quality/runs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ resourceCode: c }) });
    const started = (await res.json()) as RunView & { detail?: string; field?: string };
    if (res.status !== 202) {
      out(`${c}: refused (${res.status}): ${started.detail ?? JSON.stringify(started)}${started.field ? ` [${started.field}]` : ''}`);
      exit = 1;
      continue;
    }
    const progress = phaseProgress();
    let run: RunView = started;
    for (;;) {
      progress.update({ phase: c, done: run.rulesDone, total: Math.max(run.rulesTotal, 1) });
      if (run.status === 'done' || run.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 300));
      run = (await get<RunView>(`/api/quality/runs/${run.id}`)).body;
    }
    progress.stop();
    if (run.status === 'failed') {
      out(`${c}: run ${run.id} failed: ${run.error ?? ''}`);
      exit = 1;
      continue;
    }
    out(`${c}: run ${run.id} — ${run.rulesTotal} rules over ${run.rowsTotal ?? 0} rows, ${run.rulesFailed} failed, score ${run.score ?? '-'}`);
    for (const r of run.results ?? []) {
      const mark = r.error ? 'ERROR' : r.passed ? 'ok   ' : 'FAIL ';
      const sample = r.samples[0] ? ` — e.g. ${Object.entries(r.samples[0].key).map(([k, v]) => `${k}=${v ?? ''}`).join(',')}: ${r.samples[0].reason}` : '';
      out(`  ${mark} ${r.ruleName}: ${r.error ?? `${r.failures}/${r.rowsChecked} failing, ${r.durationMs} ms${sample}`}`);
    }
    if (run.rulesFailed > 0 && exit === 0) exit = 3;
  }
  return exit;
}
