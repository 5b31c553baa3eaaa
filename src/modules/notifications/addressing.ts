// 消息路由 which unit must act on a bus event, and what the notification says. Events go to the
// unit now holding them (and partner units for joint handling), returns and reports to the command
// center's desk, problem tickets to the source department, alarms to the device's owner department.
import type { BusEvent } from '../../platform/index.ts';
import type { EventDetail } from '../events/index.ts';
import { ALARM_RAISED, type AlarmEvent } from '../iot/index.ts';
import { TICKET_OPENED } from '../quality/index.ts';
import type { NotificationKind, NotificationSeverity } from './schemas.ts';
import type { NotificationDraft } from './store.ts';
import type { UnitTree } from './units.ts';

/** The bus subjects the module's shared consumers read. */
export const NOTIFYING_SUBJECTS = ['events.event.>', TICKET_OPENED, ALARM_RAISED] as const;

/** What addressing reads besides the bus event. */
export interface AddressingDeps {
  /** One event (the events service's `get`, unscoped); the payload carries no title. */
  event(id: number): Promise<Pick<EventDetail, 'title' | 'categoryName' | 'severity' | 'place'> | undefined>;
  /** A device's name and owner department (the IoT registry). */
  device(id: string): Promise<{ name: string; ownerDepartment: string } | undefined>;
  /** The unit that takes escalations, returns and reports: the city command center (市级指挥中心). */
  commandCenter: string;
}

/** Who must act after an events verb: the lead unit, its partner units too, or the command center's desk. */
type EventTarget = 'lead' | 'lead_and_partners' | 'lead_and_center' | 'center';

interface VerbRule {
  kind: NotificationKind;
  target: EventTarget;
  zh: string;
  en: string;
  /** At least this severity, whatever the event's. */
  floor?: NotificationSeverity;
}

/** The events verbs that mean "this unit must act"; every other verb (created, accepted, closed …) notifies no one. */
const EVENT_VERBS: Readonly<Record<string, VerbRule>> = {
  dispatched: { kind: 'event.dispatched', target: 'lead_and_partners', zh: '新派遣事件', en: 'Dispatched to your unit' },
  reassigned: { kind: 'event.reassigned', target: 'lead', zh: '改派至本单位', en: 'Reassigned to your unit' },
  reopened: { kind: 'event.reopened', target: 'lead', zh: '事件重启', en: 'Reopened' },
  joined: { kind: 'event.joined', target: 'lead_and_partners', zh: '联合处置任务', en: 'Joint handling' },
  rejected: { kind: 'event.rejected', target: 'lead', zh: '核查未通过，请重新处置', en: 'Failed verification: rework needed', floor: 'warning' },
  returned: { kind: 'event.returned', target: 'center', zh: '退单待重新派遣', en: 'Returned: dispatch it again', floor: 'warning' },
  reported: { kind: 'event.reported', target: 'center', zh: '已反馈待核查', en: 'Reported done: verify it' },
  warned: { kind: 'event.warned', target: 'lead', zh: '临期预警', en: 'Deadline approaching', floor: 'warning' },
  escalated: { kind: 'event.escalated', target: 'lead_and_center', zh: '超时升级', en: 'Escalated', floor: 'critical' },
};

const RANK: Record<NotificationSeverity, number> = { info: 0, warning: 1, critical: 2 };
const atLeast = (a: NotificationSeverity, b: NotificationSeverity | undefined): NotificationSeverity => (b && RANK[b] > RANK[a] ? b : a);

/** 一般 / 较大 / 紧急 events. */
const EVENT_SEVERITY: Record<string, NotificationSeverity> = { normal: 'info', major: 'warning', urgent: 'critical' };
/** IoT alarm severities. */
const ALARM_SEVERITY: Record<string, NotificationSeverity> = { critical: 'critical', major: 'warning', warning: 'warning', minor: 'info' };

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);
const unique = (codes: readonly string[]): string[] => [...new Set(codes.filter((c) => c !== ''))];

async function addressEvent(e: BusEvent, verb: string, deps: AddressingDeps): Promise<NotificationDraft[]> {
  const rule = EVENT_VERBS[verb];
  const data = (e.data ?? {}) as Record<string, unknown>;
  const id = Number(data.eventId);
  if (!rule || !Number.isInteger(id)) return [];
  const lead = str(data.departmentCode);
  const partners = strings(data.partnerCodes);
  const units = unique(
    rule.target === 'lead' ? [lead]
      : rule.target === 'lead_and_partners' ? [lead, ...partners]
        : rule.target === 'lead_and_center' ? [lead, deps.commandCenter]
          : [deps.commandCenter],
  );
  if (units.length === 0) return [];
  // The payload names the event (title, category, address); older producers sent only its id.
  const event = str(data.title) === '' ? await deps.event(id).catch(() => undefined) : undefined;
  const title = str(data.title) || event?.title || `#${id}`;
  const severity = atLeast(EVENT_SEVERITY[str(data.severity) || (event?.severity ?? '')] ?? 'info', rule.floor);
  const deadline = verb === 'warned' && str(data.deadlineAt) ? `办结时限 deadline ${str(data.deadlineAt)}` : '';
  const body = [str(data.categoryName) || event?.categoryName, str(data.address) || event?.place.address, deadline, str(data.note)].filter((s) => s !== undefined && s !== '').join(' · ');
  return units.map((unitCode) => ({
    unitCode, accountId: null, kind: rule.kind, severity, titleZh: `${rule.zh}：${title}`, titleEn: `${rule.en}: ${title}`, body, link: `/console/events?id=${id}`, subjectRef: `event:${id}`,
  }));
}

function addressTicket(e: BusEvent, tree: UnitTree): NotificationDraft[] {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const id = Number(data.ticketId);
  const resource = str(data.resourceCode);
  if (!Number.isInteger(id)) return [];
  return tree.departmentUnits(str(data.department)).map((unitCode) => ({
    unitCode, accountId: null, kind: 'quality.ticket', severity: 'warning', titleZh: `数据质量问题工单：${resource}`, titleEn: `Data quality ticket: ${resource}`,
    body: str(data.summary), link: `/console/quality?resource=${encodeURIComponent(resource)}&ticket=${id}`, subjectRef: `quality-ticket:${id}`,
  }));
}

async function addressAlarm(e: BusEvent, tree: UnitTree, deps: AddressingDeps): Promise<NotificationDraft[]> {
  const a = (e.data ?? {}) as Partial<AlarmEvent>;
  if (typeof a.alarmId !== 'number' || typeof a.deviceId !== 'string') return [];
  const device = await deps.device(a.deviceId).catch(() => undefined);
  // The payload's owner department (iot adds it) wins; older events fall back to the registry.
  const ownerDepartment = typeof a.ownerDepartment === 'string' && a.ownerDepartment !== '' ? a.ownerDepartment : device?.ownerDepartment;
  // An alarm whose device has no known owner department reaches no one here (the events module still turns it into an event).
  if (!ownerDepartment) return [];
  const alarmId = a.alarmId;
  const name = device?.name ?? a.deviceId;
  return tree.departmentUnits(ownerDepartment).map((unitCode) => ({
    unitCode, accountId: null, kind: 'iot.alarm', severity: ALARM_SEVERITY[a.severity ?? ''] ?? 'warning', titleZh: `设备告警：${name}`, titleEn: `Device alarm: ${name}`,
    body: str(a.message), link: `/console/alarms?id=${alarmId}`, subjectRef: `iot-alarm:${alarmId}`,
  }));
}

/** The notifications a bus event makes (none for subjects and verbs that ask nothing of a unit). */
export async function addressBusEvent(e: BusEvent, tree: UnitTree, deps: AddressingDeps): Promise<NotificationDraft[]> {
  if (e.subject.startsWith('events.event.')) return addressEvent(e, e.subject.slice('events.event.'.length), deps);
  if (e.subject === TICKET_OPENED) return addressTicket(e, tree);
  if (e.subject === ALARM_RAISED) return addressAlarm(e, tree, deps);
  return [];
}
