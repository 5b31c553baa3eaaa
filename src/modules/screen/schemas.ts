// TypeBox schemas of the big screen (大屏): the KPI answer and the stream's query (they become /openapi.json).
import { type Static, Type } from '@sinclair/typebox';
import type { ScopeFacts } from './scope.ts';

const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);

export const TrendPointSchema = Type.Object({ at: Type.String({ description: 'start of the hour (ISO) or the day (YYYY-MM-DD, China Standard Time)' }), created: Count, closed: Count });
export type TrendPoint = Static<typeof TrendPointSchema>;

export const ScreenScopeSchema = Type.Object({
  all: Type.Boolean({ description: 'the whole city (全市): the city leader and the command center' }),
  level: Type.Union([Type.Literal('city'), Type.Literal('district'), Type.Literal('town'), Type.Literal('department'), Type.Literal('units')], { description: 'what kind of units the screen is of (区县级大屏: district)' }),
  units: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String() }), { description: 'the units the screen is scoped to (empty for the whole city)' }),
}, { description: "the viewer's scope: every figure, list and stream message is of it" });
export type ScreenScopeView = Static<typeof ScreenScopeSchema>;

export const KpisSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  scope: ScreenScopeSchema,
  eventsToday: Type.Integer({ description: '今日事件 events created since 00:00 China Standard Time' }),
  open: Type.Integer({ description: '在办 events not closed' }),
  overdue: Type.Integer({ description: '超期 open events past their deadline' }),
  onTimeRate: Type.Union([Rate], { description: '按时办结率 over the last 30 days; null with nothing due' }),
  devicesTotal: Count,
  devicesOnline: Type.Integer({ description: '在线设备 devices with a reading in the last 15 minutes' }),
  activeAlarms: Type.Integer({ description: '活动告警 active or acknowledged alarms' }),
  trendHours: Type.Array(TrendPointSchema, { description: 'the last 24 hours' }),
  trendDays: Type.Array(TrendPointSchema, { description: 'the last 7 days' }),
  departments: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), total: Count, open: Count, overdue: Count, onTimeRate: Rate }), { description: 'top 10 by events, last 30 days' }),
  areaLevel: Type.Union([Type.Literal('district'), Type.Literal('town')], { description: "what `districts` ranks: the city's districts, or a district screen's towns and streets" }),
  districts: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), open: Count, total7d: Count }), { description: 'open events per district (per town on a district screen)' }),
});
export type Kpis = Static<typeof KpisSchema>;

export const StreamQuerySchema = Type.Object(
  { lastEventId: Type.Optional(Type.String({ maxLength: 60, description: 'resume after this message (like the Last-Event-ID header)' })) },
  { additionalProperties: false },
);

/** One message of the live stream (SSE `event:` names the kind). */
export interface StreamMessage {
  id: string;
  kind: 'event' | 'alarm' | 'kpi' | 'reset';
  data: unknown;
  /** An event's units or an alarm's device: only clients whose scope covers them receive it (not sent). */
  facts?: ScopeFacts;
  /** A message for one scope only (its key): the KPIs of that scope. */
  audience?: string;
}

/** The `event` message: an event changed state (created, dispatched, …). */
export interface LiveEvent {
  eventId: number;
  verb: string;
  state: string;
  title: string;
  categoryName: string;
  severity: string;
  source: string;
  departmentName: string | null;
  districtCode: string | null;
  lon: number | null;
  lat: number | null;
  at: string;
}

/** The `alarm` message: an alarm was raised or cleared. */
export interface LiveAlarm {
  alarmId: number;
  status: string;
  severity: string;
  deviceId: string;
  deviceName: string;
  message: string;
  lon: number | null;
  lat: number | null;
  at: string;
}
