// 数据质量 quality: rules, runs, scores and problem tickets from /api/quality.
import { fetchJson } from '../../../app/api.ts';

export const RULE_KINDS = ['not_null', 'unique', 'regex', 'range', 'in_set', 'resident_id', 'uscc', 'division_code', 'phone', 'consistency', 'freshness', 'row_count'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export interface RuleParams {
  pattern?: string;
  min?: number | string;
  max?: number | string;
  values?: string[];
  resource?: string;
  target?: string;
  maxAgeHours?: number;
}

export interface Rule {
  id: number;
  resourceCode: string;
  name: string;
  kind: RuleKind;
  field: string | null;
  params: RuleParams;
  schedule: string;
  enabled: boolean;
  builtin: boolean;
  updatedAt: string;
  updatedBy: string;
  lastResult: { runId: number; passed: boolean; rowsChecked: number; failures: number; at: string } | null;
}

export interface RuleDraft {
  name: string;
  kind: RuleKind;
  field: string | null;
  params: RuleParams;
  schedule?: string;
  enabled: boolean;
}

export interface Sample {
  key: Record<string, string | null>;
  value: string | null;
  reason: string;
}

export interface RuleResult {
  ruleId: number;
  ruleName: string;
  kind: RuleKind;
  field: string | null;
  passed: boolean;
  rowsChecked: number;
  failures: number;
  samples: Sample[];
  error: string | null;
  durationMs: number;
}

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface Run {
  id: number;
  resourceCode: string;
  department: string;
  trigger: 'load' | 'build' | 'schedule' | 'manual';
  status: RunStatus;
  rulesTotal: number;
  rulesDone: number;
  rulesFailed: number;
  rowsTotal: number | null;
  score: number | null;
  error: string | null;
  requestedBy: string;
  createdAt: string;
  finishedAt: string | null;
  results?: RuleResult[];
}

export interface ScoreRow {
  scope: 'resource' | 'department';
  subject: string;
  name: string;
  department: string;
  score: number;
  at: string;
  openTickets: number;
}

export type TicketState = 'open' | 'acknowledged' | 'closed';

export interface Ticket {
  id: number;
  ruleId: number;
  ruleName: string;
  resourceCode: string;
  department: string;
  state: TicketState;
  summary: string;
  failures: number;
  failingRuns: number;
  openedRunId: number;
  lastRunId: number;
  openedAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  closedAt: string | null;
  closedReason: string | null;
  notes?: Array<{ kind: string; body: string; actor: string; at: string }>;
}

const base = '/api/quality';
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

export const fetchRules = (code: string, signal: AbortSignal): Promise<{ items: Rule[] }> => fetchJson(`${base}/rules?resource=${encodeURIComponent(code)}`, { signal });
export const createRule = (code: string, draft: RuleDraft): Promise<Rule> => fetchJson(`${base}/rules`, json('POST', { resourceCode: code, ...draft }));
export const updateRule = (id: number, draft: RuleDraft): Promise<Rule> => fetchJson(`${base}/rules/${id}`, json('PUT', draft));
export const startRun = (code: string): Promise<Run> => fetchJson(`${base}/runs`, json('POST', { resourceCode: code }));
export const fetchRun = (id: number, signal: AbortSignal): Promise<Run> => fetchJson(`${base}/runs/${id}`, { signal });
export const fetchRuns = (code: string, signal: AbortSignal): Promise<{ items: Run[] }> => fetchJson(`${base}/runs?resource=${encodeURIComponent(code)}&limit=20`, { signal });
export const fetchScores = (signal: AbortSignal): Promise<{ departments: ScoreRow[]; resources: ScoreRow[] }> => fetchJson(`${base}/scores`, { signal });
export const fetchTrend = (scope: 'resource' | 'department', subject: string, signal: AbortSignal): Promise<{ points: Array<{ at: string; score: number }> }> =>
  fetchJson(`${base}/scores/trend?${new URLSearchParams({ scope, subject, days: '90' }).toString()}`, { signal });
export const fetchTickets = (state: string, signal: AbortSignal): Promise<{ total: number; items: Ticket[] }> =>
  fetchJson(`${base}/tickets?${new URLSearchParams({ limit: '100', ...(state === 'all' ? {} : { state }) }).toString()}`, { signal });
export const fetchTicket = (id: number, signal: AbortSignal): Promise<Ticket> => fetchJson(`${base}/tickets/${id}`, { signal });
export const acknowledgeTicket = (id: number, body?: string): Promise<Ticket> => fetchJson(`${base}/tickets/${id}/acknowledge`, json('POST', body ? { body } : {}));
export const commentTicket = (id: number, body: string): Promise<Ticket> => fetchJson(`${base}/tickets/${id}/comments`, json('POST', { body }));
