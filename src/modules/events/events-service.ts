import type { Attachment, AttachmentInput, DetectionInput, DetectionResult, Stats, StatsQuery } from './schemas.ts';
import type { DetectionService } from './detections.ts';
import type { EventScope } from './org.ts';
import type { Caller, EventLifecycleService } from './service.ts';

/** The events module's service: the lifecycle, machine intake (and its records and scenarios), deadlines, statistics and attachments. */
export interface EventsService extends EventLifecycleService, DetectionService {
  /** 视频智能识别 intake with de-duplication. */
  detect(input: DetectionInput, actor: string): Promise<DetectionResult>;
  /** One pass of the deadline timer (the module runs it every `sweepIntervalMs`). */
  sweepDeadlines(): Promise<{ warned: number; escalated: number }>;
  /** 按时办结率 per unit; with a scope, over the events it sees. */
  stats(query: StatsQuery, scope?: EventScope): Promise<Stats>;
  attach(eventId: number, input: AttachmentInput, caller: Caller): Promise<Attachment>;
  attachment(eventId: number, attachmentId: number, caller?: Caller): Promise<{ mediaType: string; name: string; file: string | null; url: string | null }>;
}
