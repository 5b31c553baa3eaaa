import { useResource, type Resource } from '../../../app/use-resource.ts';
import { fetchRun, fetchRuns, fetchRules, fetchScores, fetchTicket, fetchTickets, fetchTrend, type Rule, type Run, type ScoreRow, type Ticket } from '../api/quality-api.ts';

const LIVE_MS = 700;

export function useScores(nonce: number): Resource<{ departments: ScoreRow[]; resources: ScoreRow[] }> {
  return useResource((signal) => fetchScores(signal), { key: `quality-scores:${nonce}` });
}

export function useTrend(scope: 'resource' | 'department', subject: string, nonce: number): Resource<{ points: Array<{ at: string; score: number }> }> {
  return useResource((signal) => fetchTrend(scope, subject, signal), { key: `quality-trend:${scope}:${subject}:${nonce}` });
}

export function useRules(code: string, nonce: number): Resource<{ items: Rule[] }> {
  return useResource((signal) => fetchRules(code, signal), { key: `quality-rules:${code}:${nonce}` });
}

/** Runs of a resource; polls while one is queued or running, so the progress moves. */
export function useRuns(code: string, nonce: number): Resource<{ items: Run[] }> {
  return useResource((signal) => fetchRuns(code, signal), {
    key: `quality-runs:${code}:${nonce}`,
    pollMs: (data) => (data?.items.some((r) => r.status === 'queued' || r.status === 'running') ? LIVE_MS : undefined),
  });
}

export function useRun(id: number, version: string): Resource<Run> {
  return useResource((signal) => fetchRun(id, signal), { key: `quality-run:${id}:${version}` });
}

export function useTickets(state: string, nonce: number): Resource<{ total: number; items: Ticket[] }> {
  return useResource((signal) => fetchTickets(state, signal), { key: `quality-tickets:${state}:${nonce}` });
}

export function useTicket(id: number, nonce: number): Resource<Ticket> {
  return useResource((signal) => fetchTicket(id, signal), { key: `quality-ticket:${id}:${nonce}` });
}
