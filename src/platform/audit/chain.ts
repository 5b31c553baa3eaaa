import { bytesToHex, sm3 } from '../../kernel/crypto/index.ts';
import { AppError, type Clock } from '../../kernel/index.ts';
import type { Queryable } from '../db/index.ts';

/** How an audited action ended. `denied` = refused by access control. */
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** What a caller records: who did what to what, and how it ended. */
export interface AuditInput {
  /** Account id, `apikey:<id>`, `system`, or `anonymous`. */
  actor: string;
  /** `<module>.<thing>.<verb>`, e.g. `identity.session.create`. */
  action: string;
  target: string;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
  /** Defaults to the audit log's clock. */
  at?: Date;
}

/** One entry of the chain as stored. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new AppError('invalid', 'audit_details_invalid', 'audit details hold a number that is not finite');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** hash = SM3(prev_hash || canonical JSON of {seq, at, actor, action, target, outcome, details}), hex. */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const body = canonicalJson({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, target: e.target, outcome: e.outcome, details: e.details });
  return bytesToHex(sm3(e.prevHash + body));
}

// jsonb cannot hold U+0000 and folds the value through its own encoding: round-trip the details
// through JSON now so the hashed value is exactly what is stored and read back.
function normaliseDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const text = JSON.stringify(details ?? {});
  if (text.includes('\\u0000')) throw new AppError('invalid', 'audit_details_invalid', 'audit details may not contain U+0000');
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * The details as they will be stored and hashed; throws `audit_details_invalid` for what jsonb or
 * the hash cannot hold (U+0000, a number that is not finite).
 */
export function checkedDetails(input: AuditInput): Record<string, unknown> {
  const details = normaliseDetails(input.details);
  canonicalJson(details);
  return details;
}

/**
 * Append one entry inside the caller's transaction `tx`: the entry commits or rolls back with the
 * change it records. Locks the chain head row until `tx` ends, so keep the transaction short.
 */
export async function appendAudit(tx: Queryable, input: AuditInput, clock: Clock): Promise<AuditEntry> {
  const [entry] = await appendAuditEntries(tx, [input], clock);
  if (!entry) throw new Error('audit append returned no entry');
  return entry;
}

/**
 * Append several entries, in order, inside `tx`: one lock of the chain head, one INSERT, one head
 * update. Each entry chains to the one before it exactly as single appends would.
 */
export async function appendAuditEntries(tx: Queryable, inputs: readonly AuditInput[], clock: Clock): Promise<AuditEntry[]> {
  if (inputs.length === 0) return [];
  const details = inputs.map(checkedDetails);
  const head = await tx.query<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM platform_audit_head WHERE id = 1 FOR UPDATE');
  const h = head.rows[0];
  if (!h) throw new AppError('unavailable', 'audit_head_missing', 'the audit chain head row is missing; the platform migrations were not applied');
  const now = clock.now();
  let seq = Number(h.seq);
  let prevHash = h.hash;
  const entries = inputs.map((input, i): AuditEntry => {
    const draft: Omit<AuditEntry, 'hash'> = {
      seq: ++seq,
      at: (input.at ?? now).toISOString(),
      actor: input.actor,
      action: input.action,
      target: input.target,
      outcome: input.outcome,
      details: details[i] ?? {},
      prevHash,
    };
    prevHash = entryHash(draft);
    return { ...draft, hash: prevHash };
  });
  await tx.query(
    `INSERT INTO platform_audit_log (seq, at, actor, action, target, outcome, details, prev_hash, hash)
     SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[])`,
    [
      entries.map((e) => e.seq),
      entries.map((e) => e.at),
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => e.target),
      entries.map((e) => e.outcome),
      entries.map((e) => JSON.stringify(e.details)),
      entries.map((e) => e.prevHash),
      entries.map((e) => e.hash),
    ],
  );
  await tx.query('UPDATE platform_audit_head SET seq = $1, hash = $2 WHERE id = 1', [seq, prevHash]);
  return entries;
}

export type AuditProblem = 'edited' | 'deleted' | 'reordered' | 'head_mismatch';

export type AuditVerification =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; firstBadSeq: number; problem: AuditProblem; message: string };

/** Column list that reads an entry back in the exact form it was hashed in. */
export const ENTRY_SELECT = `SELECT seq::float8 AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
  actor, action, target, outcome, details, prev_hash AS "prevHash", hash FROM platform_audit_log`;

export function normaliseEntry(row: AuditEntry): AuditEntry {
  const details = typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : row.details;
  return { ...row, seq: Number(row.seq), details };
}

/**
 * Walk the whole chain in order and name the first entry that was edited, deleted or reordered;
 * also checks that the chain head matches the last entry (entries deleted from the end).
 */
export async function verifyAuditChain(db: Queryable, pageSize = 5000): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const { rows } = await db.query<AuditEntry>(`${ENTRY_SELECT} WHERE seq >= $1 ORDER BY seq LIMIT $2`, [expectedSeq, pageSize]);
    for (const raw of rows) {
      const e = normaliseEntry(raw);
      if (e.seq !== expectedSeq) {
        return { ok: false, entries: checked, firstBadSeq: expectedSeq, problem: 'deleted', message: `audit entry ${expectedSeq} is missing (deleted); the chain continues at ${e.seq}` };
      }
      if (e.prevHash !== prevHash) {
        const found = await db.query<{ seq: number }>('SELECT seq::float8 AS seq FROM platform_audit_log WHERE hash = $1 LIMIT 1', [e.prevHash]);
        const moved = found.rows[0]?.seq;
        const problem: AuditProblem = moved !== undefined ? 'reordered' : 'edited';
        const why = moved !== undefined ? `it follows entry ${moved}, not entry ${e.seq - 1} (reordered)` : 'its prev_hash does not match the entry before it';
        return { ok: false, entries: checked, firstBadSeq: e.seq, problem, message: `audit entry ${e.seq} is out of the chain: ${why}` };
      }
      const recomputed = entryHash(e);
      if (recomputed !== e.hash || e.hash !== raw.hash) {
        return { ok: false, entries: checked, firstBadSeq: e.seq, problem: 'edited', message: `audit entry ${e.seq} was edited: its content does not match its hash` };
      }
      prevHash = e.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.length < pageSize) break;
  }
  const head = await db.query<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM platform_audit_head WHERE id = 1');
  const h = head.rows[0];
  if (!h || Number(h.seq) !== checked || h.hash !== prevHash) {
    const headSeq = h ? Number(h.seq) : 0;
    if (headSeq > checked) {
      return { ok: false, entries: checked, firstBadSeq: checked + 1, problem: 'deleted', message: `audit entries ${checked + 1}–${headSeq} are missing (deleted from the end of the log)` };
    }
    return { ok: false, entries: checked, firstBadSeq: checked, problem: 'head_mismatch', message: `the audit chain head (entry ${headSeq}) does not match the last entry ${checked}` };
  }
  return { ok: true, entries: checked, headHash: prevHash };
}
