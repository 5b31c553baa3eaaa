/**
 * 审计 tamper-evident audit log: every sign-in, failed sign-in, permission change, admin action
 * and data access is appended to one SM3 hash chain (`platform_audit_log`). Appends are serialised
 * on the chain-head row, so any number of API nodes share one chain; on each node, appends made
 * while a write is under way are written together (group commit). `verifyAuditChain` names the
 * first edited, deleted or reordered entry.
 */
import { systemClock, type Clock } from '../../kernel/index.ts';
import type { Database, Queryable } from '../db/index.ts';
import { appendAudit, appendAuditEntries, canonicalJson, checkedDetails, ENTRY_SELECT, normaliseEntry, verifyAuditChain, type AuditEntry, type AuditInput, type AuditVerification } from './chain.ts';

export { canonicalJson, entryHash, verifyAuditChain, GENESIS_HASH } from './chain.ts';
export type { AuditEntry, AuditInput, AuditOutcome, AuditProblem, AuditVerification } from './chain.ts';

/** Append `entry` inside the caller's transaction `tx` (it commits or rolls back with the change). */
export function audit(tx: Queryable, entry: AuditInput, clock: Clock = systemClock): Promise<AuditEntry> {
  return appendAudit(tx, entry, clock);
}

/** Filters of the audit viewer; every one optional. `before` pages backwards by seq. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: string;
  /** Substring of the target. */
  target?: string;
  from?: Date;
  to?: Date;
  before?: number;
  limit?: number;
}

export interface AuditLog {
  /**
   * Append in a transaction of its own; resolves once the entry is committed. Entries appended
   * while a write is under way are written together in the next transaction (group commit), so
   * concurrent requests do not queue one by one on the chain head.
   */
  append(entry: AuditInput): Promise<AuditEntry>;
  /** Append inside the caller's transaction. */
  appendIn(tx: Queryable, entry: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  search(query: AuditQuery): Promise<AuditEntry[]>;
  /** CSV (RFC 4180, UTF-8 with BOM for spreadsheet programs), newest first, in chunks. */
  exportCsv(query: AuditQuery): AsyncIterable<string>;
  verify(): Promise<AuditVerification>;
}

function whereOf(q: AuditQuery): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, v: unknown) => {
    params.push(v);
    parts.push(cond.replace('?', `$${params.length}`));
  };
  if (q.actor) add('actor = ?', q.actor);
  if (q.action) add('action LIKE ?', q.action.endsWith('*') ? `${q.action.slice(0, -1).replace(/[%_\\]/g, '\\$&')}%` : q.action.replace(/[%_\\]/g, '\\$&'));
  if (q.outcome) add('outcome = ?', q.outcome);
  if (q.target) add("target LIKE ? ESCAPE '\\'", `%${q.target.replace(/[%_\\]/g, '\\$&')}%`);
  if (q.from) add('at >= ?', q.from.toISOString());
  if (q.to) add('at < ?', q.to.toISOString());
  if (q.before !== undefined) add('seq < ?', q.before);
  return { sql: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', params };
}

const csvCell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const CSV_HEADER = 'seq,at,actor,action,target,outcome,details,prev_hash,hash\r\n';

/** Entries written in one group-commit transaction at most. */
const MAX_GROUP = 500;

export function createAuditLog(deps: { db: Database; clock?: Clock }): AuditLog {
  const clock = deps.clock ?? systemClock;
  const waiting: Array<{ entry: AuditInput; resolve: (e: AuditEntry) => void; reject: (err: unknown) => void }> = [];
  let writing = false;

  async function writeGroups(): Promise<void> {
    writing = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.splice(0, MAX_GROUP);
        try {
          const entries = await deps.db.transaction((tx) => appendAuditEntries(tx, group.map((g) => g.entry), clock));
          group.forEach((g, i) => {
            const e = entries[i];
            if (e) g.resolve(e);
            else g.reject(new Error('audit group append returned fewer entries'));
          });
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      writing = false;
    }
  }

  function append(input: AuditInput): Promise<AuditEntry> {
    // Checked here so that a bad entry fails alone, never the group it would have joined; its
    // time is the moment of the action, not of the write.
    let entry: AuditInput;
    try {
      checkedDetails(input);
      entry = { ...input, at: input.at ?? clock.now() };
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise((resolve, reject) => {
      waiting.push({ entry, resolve, reject });
      if (!writing) void writeGroups();
    });
  }

  async function search(q: AuditQuery): Promise<AuditEntry[]> {
    const { sql, params } = whereOf(q);
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 10_000);
    const { rows } = await deps.db.query<AuditEntry>(`${ENTRY_SELECT}${sql} ORDER BY seq DESC LIMIT ${limit}`, params);
    return rows.map(normaliseEntry);
  }
  return {
    append,
    appendIn: (tx, entry) => appendAudit(tx, entry, clock),
    search,
    async *exportCsv(q) {
      yield `\ufeff${CSV_HEADER}`;
      let before = q.before;
      for (;;) {
        const page = await search({ ...q, before, limit: 5000 });
        if (page.length === 0) return;
        yield page
          .map((e) => [String(e.seq), e.at, e.actor, e.action, e.target, e.outcome, canonicalJson(e.details), e.prevHash, e.hash].map(csvCell).join(',') + '\r\n')
          .join('');
        before = page[page.length - 1]?.seq;
        if (page.length < 5000) return;
      }
    },
    verify: () => verifyAuditChain(deps.db),
  };
}
