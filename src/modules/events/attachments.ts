// 附件 attachments: files stored under <dataDir>/files/events/<event>/<sha256>, or URLs.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CoreDeps } from './core.ts';
import type { Caller, EventLifecycleService } from './service.ts';
import { eventsError } from './errors.ts';
import type { Attachment, AttachmentInput } from './schemas.ts';

const MAX_BYTES = 10 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function createAttachments(deps: CoreDeps & { dataDir: string; lifecycle: EventLifecycleService }) {
  const { db, store, clock } = deps;
  return {
    async add(eventId: number, input: AttachmentInput, caller: Caller): Promise<Attachment> {
      const actor = typeof caller === 'string' ? caller : caller.actor;
      if ((input.contentBase64 === undefined) === (input.url === undefined)) {
        throw eventsError('attachment_invalid', 'give either contentBase64 or url', { field: '/body/contentBase64' });
      }
      await deps.lifecycle.assertCanWork(eventId, caller);
      const at = clock.now();
      let file: { path: string; sha256: string; size: number } | null = null;
      if (input.contentBase64 !== undefined) {
        const text = input.contentBase64.replace(/\s+/g, '');
        if (!BASE64.test(text)) throw eventsError('attachment_invalid', 'contentBase64 is not base64', { field: '/body/contentBase64' });
        const bytes = Buffer.from(text, 'base64');
        if (bytes.length === 0 || bytes.length > MAX_BYTES) throw eventsError('attachment_invalid', 'a file is 1 byte to 10 MB', { field: '/body/contentBase64' });
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const rel = path.join('files', 'events', String(eventId), sha256);
        await mkdir(path.join(deps.dataDir, path.dirname(rel)), { recursive: true });
        await writeFile(path.join(deps.dataDir, rel), bytes);
        file = { path: rel, sha256, size: bytes.length };
      }
      const id = await db.transaction(async (tx) => {
        const aid = await store.insertAttachment(tx, eventId, { name: input.name, mediaType: input.mediaType, sizeBytes: file?.size ?? null, sha256: file?.sha256 ?? null, path: file?.path ?? null, url: input.url ?? null, actor, at });
        await store.addTimeline(tx, eventId, { at, actor, action: 'attached', fromState: null, toState: null, departmentCode: null, note: input.name });
        return aid;
      });
      const found = (await store.attachments(eventId)).find((a) => a.id === id);
      if (!found) throw eventsError('attachment_not_found', `no attachment ${id}`);
      const { path: _p, ...a } = found;
      return a;
    },
    /** Where to read an attachment: an absolute file path or an external URL. */
    async locate(eventId: number, attachmentId: number, caller?: Caller): Promise<{ mediaType: string; name: string; file: string | null; url: string | null }> {
      if (caller !== undefined) await deps.lifecycle.assertCanSee(eventId, caller);
      const a = (await store.attachments(eventId)).find((x) => x.id === attachmentId);
      if (!a) throw eventsError('attachment_not_found', `no attachment ${attachmentId} on event ${eventId}`, { field: '/params/attachmentId' });
      return { mediaType: a.mediaType, name: a.name, file: a.path ? path.join(deps.dataDir, a.path) : null, url: a.url };
    },
  };
}

export type Attachments = ReturnType<typeof createAttachments>;
