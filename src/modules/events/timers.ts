// 时限管理 time limits: the deadline timer (warnings before, escalation after) and the on-time rate.
import type { OutboxRelay } from '../../platform/bus/index.ts';
import type { CoreDeps, EventsCore } from './core.ts';
import type { EventScope } from './org.ts';
import type { Stats, StatsQuery } from './schemas.ts';

const DAY = 86_400_000;

export function createTimers(deps: CoreDeps & { core: EventsCore; relay?: Pick<OutboxRelay, 'kick'> | undefined }) {
  const { db, store, clock, core, logger, settings } = deps;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<unknown> | undefined;

  /** One pass: 预警 warn what passed its warning time, 超时升级 escalate what passed its deadline. */
  async function sweep(): Promise<{ warned: number; escalated: number }> {
    const now = clock.now();
    let warned = 0;
    let escalated = 0;
    const due = await store.dueTimers(now, 500);
    const prep = due.length > 0 ? await core.prepare() : undefined;
    for (const d of due) {
      await db.transaction(async (tx) => {
        const row = await store.lockEvent(tx, d.id);
        if (!row || !['dispatched', 'accepted', 'handling'].includes(row.state)) return;
        const deadline = row.deadline_at ? new Date(row.deadline_at) : null;
        const warnAt = row.warn_at ? new Date(row.warn_at) : null;
        if (deadline && deadline <= now && row.escalated_at === null) {
          const level = row.escalation_level + 1;
          // 超时升级: the event goes up one level (town → district → city command center) with a fresh
          // time limit; at the command center, with no level above, it stays and is flagged once.
          const above = prep?.units.levelAbove(row.department_code, settings.commandCenter);
          const note = `超时未办结 overdue since ${deadline.toISOString()}`;
          if (above && prep) {
            await core.handOver(tx, row, above, 'escalated', 'system', `${note}; escalated from ${row.department_code ?? '—'} to ${above} (level ${level})`, prep, {
              escalation_level: level, routed_by: `escalation:${row.department_code ?? ''}`,
            });
          } else {
            await store.updateEvent(tx, d.id, { escalated_at: now.toISOString(), warned_at: row.warned_at ?? now.toISOString(), escalation_level: level, updated_at: now.toISOString() });
            await core.record(tx, row, 'escalated', { actor: 'system', at: now, from: row.state, to: row.state, department: row.department_code, note: `${note}; at the city command center (level ${level})`, escalationLevel: level });
          }
          escalated++;
        } else if (warnAt && warnAt <= now && row.warned_at === null) {
          await store.updateEvent(tx, d.id, { warned_at: now.toISOString() });
          await core.record(tx, row, 'warned', { actor: 'system', at: now, from: row.state, to: row.state, department: row.department_code, note: `临期预警 deadline ${deadline?.toISOString() ?? ''}` });
          warned++;
        }
      });
    }
    if (warned + escalated > 0) deps.relay?.kick();
    return { warned, escalated };
  }

  return {
    sweep,
    start(): void {
      timer = setInterval(() => {
        if (running) return;
        running = sweep()
          .catch((err: unknown) => logger.error({ err }, 'events: deadline sweep failed'))
          .finally(() => {
            running = undefined;
          });
      }, settings.sweepIntervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    /** 按时办结率 per department over events created in [from, to) (default: the last 30 days), those `scope` sees when given. */
    async stats(q: StatsQuery, scope?: EventScope): Promise<Stats> {
      const now = clock.now();
      const to = q.to ? new Date(q.to) : new Date(now.getTime() + 1);
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY);
      const rows = await store.stats(from, to, now, scope);
      const names = (await deps.org.snapshot()).name;
      const rate = (onTime: number, overdue: number) => (onTime + overdue === 0 ? null : onTime / (onTime + overdue));
      const sum = (k: 'total' | 'open' | 'on_time' | 'overdue') => rows.reduce((s, r) => s + r[k], 0);
      return {
        total: sum('total'),
        open: sum('open'),
        overdue: sum('overdue'),
        onTimeRate: rate(sum('on_time'), sum('overdue')),
        departments: rows.map((r) => ({
          departmentCode: r.code, departmentName: names(r.code) ?? r.code, total: r.total, open: r.open, handled: r.handled, onTime: r.on_time, overdue: r.overdue, onTimeRate: rate(r.on_time, r.overdue),
        })),
      };
    },
  };
}

export type Timers = ReturnType<typeof createTimers>;
