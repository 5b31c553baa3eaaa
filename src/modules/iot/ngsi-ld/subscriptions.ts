// Subscriptions (订阅) and HTTP notifications: a change to an entity (API write or a device reading)
// is matched against the active subscriptions (entities, watchedAttributes, q, geoQ) and the
// entity is POSTed to the endpoint, with retries and backoff; the outcome is kept on the subscription.
// Each subscription's deliveries wait in a bounded queue: when a slow endpoint lets it fill up, the
// waiting notifications are coalesced into one with the newest state of each entity, so memory
// stays bounded whatever the rate of changes, and the merge is recorded in the notification status.
import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../../../kernel/index.ts';
import type { Database } from '../../../platform/db/index.ts';
import { compact, contextOut, CORE_CONTEXT_URL, expand, resolveContext, type LdContext } from './context.ts';
import { checkName, checkTime, isUri, renderEntity, type StoredEntity } from './entity.ts';
import { ngsiError } from './errors.ts';
import { geoToSql, Params, qToSql } from './query.ts';
import type { EntityChange } from './service.ts';
import { iso, type EntityStore } from './store.ts';

interface EntitySelector {
  type: string;
  id?: string;
  idPattern?: string;
}

/** A subscription as stored: names expanded. */
interface StoredSubscription {
  id: string;
  type: 'Subscription';
  subscriptionName?: string;
  description?: string;
  entities?: EntitySelector[];
  watchedAttributes?: string[];
  q?: string;
  geoQ?: { georel: string; geometry: string; coordinates: unknown; geoproperty?: string };
  notification: { attributes?: string[]; format: 'normalized' | 'keyValues'; endpoint: { uri: string; accept: 'application/json' | 'application/ld+json' } };
}

interface SubscriptionRow {
  id: string;
  body: StoredSubscription;
  context: unknown;
  is_active: boolean;
  expires_at: string | null;
  throttling: number;
  times_sent: number;
  times_failed: number;
  last_notification: string | null;
  last_success: string | null;
  last_failure: string | null;
  last_failure_reason: string | null;
  times_coalesced: number;
  last_coalesced: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const COLUMNS = `id, body, context, is_active, ${iso('expires_at')}, throttling, times_sent, times_failed, ${iso('last_notification')}, ${iso('last_success')}, ${iso('last_failure')}, last_failure_reason, times_coalesced, ${iso('last_coalesced')}`;

/** Delays between delivery attempts (then the notification is given up and recorded as failed). */
export const RETRY_DELAYS_MS = [250, 1_000, 4_000];
/** Notifications waiting per subscription before they are coalesced. */
export const MAX_QUEUED_NOTIFICATIONS = 100;
/** Entities per notification at most; a coalesced backlog larger than this goes out in several. */
const MAX_ENTITIES_PER_NOTIFICATION = 1_000;

/** One subscription's deliveries: entity ids only, read at delivery time, so a notification carries the newest state. */
interface DeliveryQueue {
  row: SubscriptionRow;
  jobs: Array<Set<string>>;
  running: Promise<void> | undefined;
  /** Notifications merged away since the last status write. */
  coalesced: number;
}

function parseSubscription(body: unknown, ctx: LdContext, partial: boolean): { sub: Partial<StoredSubscription>; isActive?: boolean; expiresAt?: string | null; throttling?: number } {
  if (!isObject(body)) throw ngsiError('BadRequestData', 'a subscription is a JSON object', '/body');
  const sub: Partial<StoredSubscription> = {};
  const out: { sub: Partial<StoredSubscription>; isActive?: boolean; expiresAt?: string | null; throttling?: number } = { sub };
  if (body.type !== undefined && body.type !== 'Subscription') throw ngsiError('BadRequestData', 'type must be Subscription', '/body/type');
  if (body.id !== undefined && !partial) {
    if (!isUri(body.id)) throw ngsiError('BadRequestData', 'id must be a URI', '/body/id');
    sub.id = body.id;
  }
  for (const k of ['subscriptionName', 'description'] as const) {
    if (body[k] === undefined) continue;
    if (typeof body[k] !== 'string' || body[k].length > 1000) throw ngsiError('BadRequestData', `${k} is text (at most 1000 characters)`, `/body/${k}`);
    sub[k] = body[k];
  }
  if (body.entities !== undefined) {
    if (!Array.isArray(body.entities) || body.entities.length === 0) throw ngsiError('BadRequestData', 'entities is a non-empty array of {type, id?, idPattern?}', '/body/entities');
    sub.entities = body.entities.map((e, i) => {
      const at = `/body/entities/${i}`;
      if (!isObject(e) || typeof e.type !== 'string') throw ngsiError('BadRequestData', 'an entity selector needs a type', `${at}/type`);
      checkName(e.type, `${at}/type`);
      const sel: EntitySelector = { type: expand(e.type, ctx) };
      if (e.id !== undefined) {
        if (!isUri(e.id)) throw ngsiError('BadRequestData', 'id must be a URI', `${at}/id`);
        sel.id = e.id;
      }
      if (e.idPattern !== undefined) {
        if (typeof e.idPattern !== 'string') throw ngsiError('BadRequestData', 'idPattern must be a regular expression', `${at}/idPattern`);
        try {
          new RegExp(e.idPattern);
        } catch {
          throw ngsiError('BadRequestData', 'idPattern must be a regular expression', `${at}/idPattern`);
        }
        sel.idPattern = e.idPattern;
      }
      return sel;
    });
  }
  if (body.watchedAttributes !== undefined) {
    if (!Array.isArray(body.watchedAttributes) || body.watchedAttributes.length === 0 || !body.watchedAttributes.every((a) => typeof a === 'string')) {
      throw ngsiError('BadRequestData', 'watchedAttributes is a non-empty array of attribute names', '/body/watchedAttributes');
    }
    (body.watchedAttributes).forEach((a, i) => checkName(a, `/body/watchedAttributes/${i}`));
    sub.watchedAttributes = (body.watchedAttributes).map((a) => expand(a, ctx));
  }
  if (body.q !== undefined) {
    if (typeof body.q !== 'string') throw ngsiError('BadRequestData', 'q is a query string', '/body/q');
    qToSql(body.q, ctx, new Params(), '/body/q');
    sub.q = body.q;
  }
  if (body.geoQ !== undefined) {
    const g = body.geoQ;
    if (!isObject(g) || typeof g.georel !== 'string' || typeof g.geometry !== 'string') throw ngsiError('BadRequestData', 'geoQ is {georel, geometry, coordinates}', '/body/geoQ');
    const geoQ = { georel: g.georel, geometry: g.geometry, coordinates: g.coordinates, ...(typeof g.geoproperty === 'string' ? { geoproperty: g.geoproperty } : {}) };
    geoToSql(geoQ, ctx, new Params(), '/body/geoQ');
    sub.geoQ = geoQ;
  }
  if (body.notification !== undefined) {
    const n = body.notification;
    if (!isObject(n)) throw ngsiError('BadRequestData', 'notification is an object with endpoint', '/body/notification');
    const ep = n.endpoint;
    if (!isObject(ep) || typeof ep.uri !== 'string' || !/^https?:\/\/\S+$/.test(ep.uri)) throw ngsiError('BadRequestData', 'notification.endpoint.uri must be an http(s) URL', '/body/notification/endpoint/uri');
    const accept = ep.accept ?? 'application/json';
    if (accept !== 'application/json' && accept !== 'application/ld+json') throw ngsiError('BadRequestData', 'accept is application/json or application/ld+json', '/body/notification/endpoint/accept');
    const format = n.format ?? 'normalized';
    if (format !== 'normalized' && format !== 'keyValues') throw ngsiError('BadRequestData', 'format is normalized or keyValues', '/body/notification/format');
    let attributes: string[] | undefined;
    if (n.attributes !== undefined) {
      if (!Array.isArray(n.attributes) || !n.attributes.every((a) => typeof a === 'string')) throw ngsiError('BadRequestData', 'attributes is an array of names', '/body/notification/attributes');
      attributes = (n.attributes).map((a) => expand(a, ctx));
    }
    sub.notification = { format, endpoint: { uri: ep.uri, accept }, ...(attributes ? { attributes } : {}) };
  }
  if (body.isActive !== undefined) {
    if (typeof body.isActive !== 'boolean') throw ngsiError('BadRequestData', 'isActive is true or false', '/body/isActive');
    out.isActive = body.isActive;
  }
  if (body.expiresAt !== undefined) out.expiresAt = body.expiresAt === null ? null : checkTime(body.expiresAt, '/body/expiresAt');
  if (body.throttling !== undefined) {
    if (typeof body.throttling !== 'number' || !(body.throttling >= 0) || body.throttling > 86_400) throw ngsiError('BadRequestData', 'throttling is seconds between notifications (0 to 86400)', '/body/throttling');
    out.throttling = body.throttling;
  }
  if (!partial) {
    if (!sub.entities && !sub.watchedAttributes) throw ngsiError('BadRequestData', 'a subscription needs entities or watchedAttributes', '/body/entities');
    if (!sub.notification) throw ngsiError('BadRequestData', 'a subscription needs notification.endpoint.uri', '/body/notification');
  }
  return out;
}

export function createSubscriptions(deps: { db: Database; store: EntityStore; clock: Clock; logger: Logger; retryDelaysMs?: readonly number[]; maxQueuedNotifications?: number }) {
  const { db, store, clock, logger } = deps;
  const delays = deps.retryDelaysMs ?? RETRY_DELAYS_MS;
  const maxQueued = Math.max(1, deps.maxQueuedNotifications ?? MAX_QUEUED_NOTIFICATIONS);
  let cache: { at: number; rows: SubscriptionRow[] } | undefined;
  const inflight = new Set<Promise<void>>();
  /** Per subscription: entities waiting for the throttling window to end. */
  const deferred = new Map<string, { ids: Set<string>; timer: NodeJS.Timeout }>();
  const queues = new Map<string, DeliveryQueue>();
  let stopped = false;

  async function active(): Promise<SubscriptionRow[]> {
    if (cache && Date.now() - cache.at < 5_000) return cache.rows;
    const { rows } = await db.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM ngsi_subscriptions WHERE is_active`);
    cache = { at: Date.now(), rows };
    return rows;
  }

  async function mustGet(id: string): Promise<SubscriptionRow> {
    const { rows } = await db.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM ngsi_subscriptions WHERE id = $1`, [id]);
    if (!rows[0]) throw ngsiError('ResourceNotFound', `no subscription ${id}`, '/params/subscriptionId');
    return rows[0];
  }

  function render(r: SubscriptionRow, ctx: LdContext): Record<string, unknown> {
    const b = r.body;
    const expired = r.expires_at !== null && Date.parse(r.expires_at) <= clock.now().getTime();
    return {
      id: r.id,
      type: 'Subscription',
      ...(b.subscriptionName ? { subscriptionName: b.subscriptionName } : {}),
      ...(b.description ? { description: b.description } : {}),
      ...(b.entities ? { entities: b.entities.map((e) => ({ ...e, type: compact(e.type, ctx) })) } : {}),
      ...(b.watchedAttributes ? { watchedAttributes: b.watchedAttributes.map((a) => compact(a, ctx)) } : {}),
      ...(b.q ? { q: b.q } : {}),
      ...(b.geoQ ? { geoQ: b.geoQ } : {}),
      notification: {
        ...(b.notification.attributes ? { attributes: b.notification.attributes.map((a) => compact(a, ctx)) } : {}),
        format: b.notification.format,
        endpoint: b.notification.endpoint,
        status: r.last_failure !== null && (r.last_success === null || r.last_failure > r.last_success) ? 'failed' : 'ok',
        timesSent: r.times_sent,
        timesFailed: r.times_failed,
        ...(r.last_notification ? { lastNotification: r.last_notification } : {}),
        ...(r.last_success ? { lastSuccess: r.last_success } : {}),
        ...(r.last_failure ? { lastFailure: r.last_failure } : {}),
        ...(r.last_failure_reason ? { lastFailureReason: r.last_failure_reason } : {}),
        // Not in ETSI GS CIM 009: notifications merged because the endpoint fell behind, and the backlog now.
        timesCoalesced: r.times_coalesced,
        ...(r.last_coalesced ? { lastCoalesced: r.last_coalesced } : {}),
        queued: queues.get(r.id)?.jobs.length ?? 0,
      },
      ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
      ...(r.throttling > 0 ? { throttling: r.throttling } : {}),
      isActive: r.is_active,
      status: !r.is_active ? 'paused' : expired ? 'expired' : 'active',
    };
  }

  const selects = (sel: EntitySelector, e: StoredEntity): boolean =>
    sel.type === e.type && (sel.id === undefined || sel.id === e.id) && (sel.idPattern === undefined || new RegExp(sel.idPattern).test(e.id));

  async function deliver(r: SubscriptionRow, entities: StoredEntity[], coalesced: number): Promise<void> {
    const ctx = resolveContext(r.context ?? undefined);
    const b = r.body;
    const pick = b.notification.attributes ? new Set(b.notification.attributes) : undefined;
    const ld = b.notification.endpoint.accept === 'application/ld+json';
    const notification = {
      id: `urn:ngsi-ld:Notification:${randomUUID()}`,
      type: 'Notification',
      subscriptionId: r.id,
      notifiedAt: clock.now().toISOString(),
      data: entities.map((e) => renderEntity(e, ctx, { form: b.notification.format, pick })),
      ...(ld ? { '@context': contextOut(ctx) } : {}),
    };
    const headers: Record<string, string> = { 'content-type': b.notification.endpoint.accept };
    if (!ld) headers.link = `<${typeof contextOut(ctx) === 'string' ? (contextOut(ctx) as string) : CORE_CONTEXT_URL}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
    let failure = '';
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]));
      if (stopped && attempt > 0) break;
      try {
        const res = await fetch(b.notification.endpoint.uri, { method: 'POST', headers, body: JSON.stringify(notification), signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          failure = '';
          break;
        }
        failure = `HTTP ${res.status}`;
      } catch (err) {
        failure = (err as Error).message;
      }
    }
    const at = clock.now().toISOString();
    const merged = 'times_coalesced = times_coalesced + $3, last_coalesced = CASE WHEN $3 > 0 THEN $2::timestamptz ELSE last_coalesced END';
    await db.query(
      failure === ''
        ? `UPDATE ngsi_subscriptions SET times_sent = times_sent + 1, last_notification = $2, last_success = $2, ${merged} WHERE id = $1`
        : `UPDATE ngsi_subscriptions SET times_sent = times_sent + 1, times_failed = times_failed + 1, last_notification = $2, last_failure = $2, last_failure_reason = $4, ${merged} WHERE id = $1`,
      failure === '' ? [r.id, at, coalesced] : [r.id, at, coalesced, failure.slice(0, 500)],
    );
    if (failure !== '') logger.warn({ subscription: r.id, endpoint: b.notification.endpoint.uri, failure }, 'ngsi-ld notification failed');
    cache = undefined;
  }

  /**
   * Queue a delivery after the subscription's previous ones (notifications stay in order). A full
   * queue is coalesced into one delivery of every entity it named: ids are read when delivered, so
   * that one notification carries each entity's newest state and nothing is lost but repetition.
   */
  function enqueue(r: SubscriptionRow, ids: readonly string[]): void {
    let q = queues.get(r.id);
    if (!q) queues.set(r.id, (q = { row: r, jobs: [], running: undefined, coalesced: 0 }));
    q.row = r;
    if (q.jobs.length >= maxQueued) {
      const all = new Set<string>();
      for (const job of q.jobs) job.forEach((id) => all.add(id));
      ids.forEach((id) => all.add(id));
      q.coalesced += q.jobs.length;
      q.jobs = [all];
      logger.warn({ subscription: r.id, endpoint: r.body.notification.endpoint.uri, entities: all.size }, 'ngsi-ld endpoint falling behind: waiting notifications coalesced');
    } else {
      q.jobs.push(new Set(ids));
    }
    pump(q);
  }

  function pump(q: DeliveryQueue): void {
    if (q.running) return;
    const id = q.row.id;
    const p = (async () => {
      for (let job = q.jobs.shift(); job; job = q.jobs.shift()) {
        const ids = [...job];
        for (let i = 0; i < ids.length; i += MAX_ENTITIES_PER_NOTIFICATION) {
          const entities = await store.getMany(ids.slice(i, i + MAX_ENTITIES_PER_NOTIFICATION));
          if (entities.length === 0) continue;
          const coalesced = q.coalesced;
          q.coalesced = 0;
          await deliver(q.row, entities.sort((a, b) => a.id.localeCompare(b.id)), coalesced);
        }
      }
    })().catch((err: unknown) => logger.error({ err, subscription: id }, 'ngsi-ld notification error'));
    q.running = p;
    inflight.add(p);
    void p.finally(() => {
      inflight.delete(p);
      q.running = undefined;
      if (q.jobs.length > 0) pump(q);
      else if (queues.get(id) === q) queues.delete(id);
    });
  }

  function throttled(r: SubscriptionRow, ids: readonly string[]): boolean {
    if (r.throttling <= 0) return false;
    const pending = deferred.get(r.id);
    if (pending) {
      ids.forEach((id) => pending.ids.add(id));
      return true;
    }
    const last = r.last_notification === null ? 0 : Date.parse(r.last_notification);
    const wait = last + r.throttling * 1000 - clock.now().getTime();
    if (wait <= 0) return false;
    const entry = {
      ids: new Set(ids),
      timer: setTimeout(() => {
        deferred.delete(r.id);
        enqueue(r, [...entry.ids]);
      }, Math.min(wait, r.throttling * 1000)),
    };
    entry.timer.unref();
    deferred.set(r.id, entry);
    return true;
  }

  async function match(changes: readonly EntityChange[]): Promise<void> {
    const subs = (await active()).filter((r) => r.expires_at === null || Date.parse(r.expires_at) > clock.now().getTime());
    const live = changes.filter((c) => !c.deleted);
    if (subs.length === 0 || live.length === 0) return;
    const entities = new Map((await store.getMany([...new Set(live.map((c) => c.id))])).map((e) => [e.id, e]));
    const changedAttrs = new Map<string, Set<string>>();
    for (const c of live) {
      const s = changedAttrs.get(c.id) ?? new Set<string>();
      c.attrs.forEach((a) => s.add(a));
      changedAttrs.set(c.id, s);
    }
    for (const r of subs) {
      const b = r.body;
      let ids = [...entities.values()]
        .filter((e) => !b.entities || b.entities.some((sel) => selects(sel, e)))
        .filter((e) => !b.watchedAttributes || b.watchedAttributes.some((a) => changedAttrs.get(e.id)?.has(a)))
        .map((e) => e.id);
      if (ids.length === 0) continue;
      if (b.q || b.geoQ) {
        const ctx = resolveContext(r.context ?? undefined);
        const params = new Params();
        const parts = [b.q ? qToSql(b.q, ctx, params) : 'true', b.geoQ ? geoToSql(b.geoQ, ctx, params) : 'true'];
        const ok = await store.matching(ids, parts.join(' AND '), params.values);
        ids = ids.filter((id) => ok.has(id));
        if (ids.length === 0) continue;
      }
      if (!throttled(r, ids)) {
        // Count the notification as sent now, so that throttling holds back the next change.
        r.last_notification = clock.now().toISOString();
        enqueue(r, ids);
      }
    }
  }

  return {
    /** Entities changed (committed): notify the subscriptions they match. Never throws. */
    changed(changes: readonly EntityChange[]): void {
      if (stopped) return;
      const p = match(changes).catch((err: unknown) => logger.error({ err }, 'ngsi-ld subscription matching failed'));
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    },

    async create(body: unknown, ctx: LdContext): Promise<string> {
      const { sub, isActive, expiresAt, throttling } = parseSubscription(body, ctx, false);
      const id = sub.id ?? `urn:ngsi-ld:Subscription:${randomUUID()}`;
      const now = clock.now().toISOString();
      const { rowCount } = await db.query(
        `INSERT INTO ngsi_subscriptions (id, body, context, is_active, expires_at, throttling, created_at, modified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (id) DO NOTHING`,
        [id, JSON.stringify({ ...sub, id, type: 'Subscription' }), JSON.stringify(ctx.given ?? null), isActive ?? true, expiresAt ?? null, throttling ?? 0, now],
      );
      if (rowCount === 0) throw ngsiError('AlreadyExists', `subscription ${id} already exists`, '/body/id');
      cache = undefined;
      return id;
    },

    async get(id: string, ctx: LdContext): Promise<Record<string, unknown>> {
      return render(await mustGet(id), ctx);
    },

    async list(ctx: LdContext, limit: number, offset: number): Promise<{ items: Array<Record<string, unknown>>; count: number }> {
      const { rows } = await db.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM ngsi_subscriptions ORDER BY created_at, id LIMIT $1 OFFSET $2`, [limit, offset]);
      const { rows: n } = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM ngsi_subscriptions');
      return { items: rows.map((r) => render(r, ctx)), count: Number(n[0]?.n ?? 0) };
    },

    async update(id: string, body: unknown, ctx: LdContext): Promise<void> {
      const current = await mustGet(id);
      const { sub, isActive, expiresAt, throttling } = parseSubscription(body, ctx, true);
      const merged = { ...current.body, ...sub, id };
      if (!merged.entities && !merged.watchedAttributes) throw ngsiError('BadRequestData', 'a subscription needs entities or watchedAttributes', '/body/entities');
      await db.query(
        `UPDATE ngsi_subscriptions SET body = $2, is_active = coalesce($3, is_active), expires_at = CASE WHEN $4 THEN $5::timestamptz ELSE expires_at END,
           throttling = coalesce($6, throttling), modified_at = $7 WHERE id = $1`,
        [id, JSON.stringify(merged), isActive ?? null, expiresAt !== undefined, expiresAt ?? null, throttling ?? null, clock.now().toISOString()],
      );
      cache = undefined;
    },

    async remove(id: string): Promise<void> {
      const { rowCount } = await db.query('DELETE FROM ngsi_subscriptions WHERE id = $1', [id]);
      if (rowCount === 0) throw ngsiError('ResourceNotFound', `no subscription ${id}`, '/params/subscriptionId');
      cache = undefined;
    },

    /** Resolves when no matching or delivery is under way (tests, shutdown). */
    async idle(): Promise<void> {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },

    async stop(): Promise<void> {
      stopped = true;
      for (const d of deferred.values()) clearTimeout(d.timer);
      deferred.clear();
      await this.idle();
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
