import { parseDivisionCode, parseResidentId, parseUscc } from '../kernel/ids/index.ts';

export const validateKinds = ['id', 'uscc', 'division'] as const;
type Kind = (typeof validateKinds)[number];

export interface ValidateOutcome {
  ok: boolean;
  exitCode: 0 | 1 | 2;
  text: string;
}

function describe(value: Record<string, unknown>): string {
  return Object.entries(value)
    .map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}

/** `citybrain validate KIND VALUE`: 0 and the parsed fields when valid, 1 and the reason when not. */
export async function validateCommand(kind: string, value: string): Promise<ValidateOutcome> {
  if (!(validateKinds as readonly string[]).includes(kind)) {
    return { ok: false, exitCode: 2, text: `unknown kind ${JSON.stringify(kind)}: use one of ${validateKinds.join(', ')}` };
  }
  const k = kind as Kind;
  const r = k === 'id' ? parseResidentId(value) : k === 'uscc' ? parseUscc(value) : await Promise.resolve(parseDivisionCode(value));
  if (r.ok) return { ok: true, exitCode: 0, text: `valid ${k}: ${value}\n${describe(r.value as unknown as Record<string, unknown>)}` };
  return { ok: false, exitCode: 1, text: `invalid ${k}: ${value}: ${r.message} (${r.reason})` };
}
