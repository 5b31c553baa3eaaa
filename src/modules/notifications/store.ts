// SQL of the notifications module's own tables (notifications_*).
import type { Database, Queryable } from '../../platform/index.ts';
import type { Notification, NotificationKind, NotificationQuery, NotificationSeverity } from './schemas.ts';

/** A notification to store: one unit (and optionally one account of it), from one bus event. */
export interface NotificationDraft {
  unitCode: string;
  accountId: string | null;
  kind: NotificationKind;
  severity: NotificationSeverity;
  titleZh: string;
  titleEn: string;
  body: string;
  link: string;
  subjectRef: string;
}

/** Who reads: the account and the units whose notifications reach it. */
export interface Recipient {
  accountId: string;
  units: readonly string[];
}

interface Row {
  id: string | number;
  unit_code: string;
  account_id: string | null;
  kind: NotificationKind;
  severity: NotificationSeverity;
  title_zh: string;
  title_en: string;
  body: string;
  link: string;
  subject_ref: string;
  source_event_id: string;
  created_at: Date | string;
  read_at?: Date | string | null;
}

const iso = (v: Date | string): string => new Date(v).toISOString();

function toNotification(r: Row, unitName: (code: string) => string | null): Notification {
  return {
    id: Number(r.id),
    unitCode: r.unit_code,
    unitName: unitName(r.unit_code),
    accountId: r.account_id,
    kind: r.kind,
    severity: r.severity,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    body: r.body,
    link: r.link,
    subjectRef: r.subject_ref,
    sourceEventId: r.source_event_id,
    createdAt: iso(r.created_at),
    readAt: r.read_at ? iso(r.read_at) : null,
  };
}

// The recipient's notifications: $1 its units, $2 its account.
const VISIBLE = 'm.unit_code = ANY($1::text[]) AND (m.account_id IS NULL OR m.account_id = $2)';
const SELECT = `SELECT m.*, r.read_at FROM notifications_messages m
  LEFT JOIN notifications_reads r ON r.notification_id = m.id AND r.account_id = $2`;

export function createNotificationsStore(db: Database) {
  return {
    /** Store the drafts of one bus event; answers only the rows that are new (a re-delivery stores nothing). */
    async insert(tx: Queryable, drafts: readonly NotificationDraft[], source: { eventId: string; subject: string }, at: string, unitName: (code: string) => string | null): Promise<Notification[]> {
      const out: Notification[] = [];
      for (const d of drafts) {
        const { rows } = await tx.query<Row>(
          `INSERT INTO notifications_messages (unit_code, account_id, kind, severity, title_zh, title_en, body, link, subject_ref, source_event_id, source_subject, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING *`,
          [d.unitCode, d.accountId, d.kind, d.severity, d.titleZh, d.titleEn, d.body, d.link, d.subjectRef, source.eventId, source.subject, at],
        );
        if (rows[0]) out.push(toNotification(rows[0], unitName));
      }
      return out;
    },

    async list(to: Recipient, q: NotificationQuery, unitName: (code: string) => string | null): Promise<{ total: number; items: Notification[] }> {
      const where = [VISIBLE];
      const params: unknown[] = [to.units, to.accountId];
      if (q.unread) where.push('r.read_at IS NULL');
      if (q.kind) {
        params.push(q.kind);
        where.push(`m.kind = $${params.length}`);
      }
      const filter = where.join(' AND ');
      const count = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${SELECT} WHERE ${filter}) x`, params);
      const { rows } = await db.query<Row>(`${SELECT} WHERE ${filter} ORDER BY m.id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, q.limit, q.offset]);
      return { total: Number(count.rows[0]?.n ?? 0), items: rows.map((r) => toNotification(r, unitName)) };
    },

    async unread(to: Recipient): Promise<number> {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notifications_messages m
         WHERE ${VISIBLE} AND NOT EXISTS (SELECT 1 FROM notifications_reads r WHERE r.notification_id = m.id AND r.account_id = $2)`,
        [to.units, to.accountId],
      );
      return Number(rows[0]?.n ?? 0);
    },

    /** One notification with the account's read state, whoever it is addressed to. */
    async get(id: number, accountId: string, unitName: (code: string) => string | null): Promise<Notification | undefined> {
      const { rows } = await db.query<Row>('SELECT m.*, r.read_at FROM notifications_messages m LEFT JOIN notifications_reads r ON r.notification_id = m.id AND r.account_id = $2 WHERE m.id = $1', [id, accountId]);
      return rows[0] ? toNotification(rows[0], unitName) : undefined;
    },

    async markRead(id: number, accountId: string, at: string): Promise<void> {
      await db.query('INSERT INTO notifications_reads (account_id, notification_id, read_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [accountId, id, at]);
    },

    /** Mark every unread notification of the recipient read; answers how many. */
    async markAllRead(to: Recipient, at: string): Promise<number> {
      const r = await db.query(
        `INSERT INTO notifications_reads (account_id, notification_id, read_at)
         SELECT $2, m.id, $3 FROM notifications_messages m WHERE ${VISIBLE}
         ON CONFLICT DO NOTHING`,
        [to.units, to.accountId, at],
      );
      return r.rowCount;
    },
  };
}

export type NotificationsStore = ReturnType<typeof createNotificationsStore>;
