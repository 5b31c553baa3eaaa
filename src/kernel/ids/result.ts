/** Outcome of parsing an identifier: the checked value, or the first fault found and why. */
export type IdResult<T, R extends string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: R; readonly message: string };

export function idFailure<R extends string>(reason: R, message: string): { ok: false; reason: R; message: string } {
  return { ok: false, reason, message };
}
