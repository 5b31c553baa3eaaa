const token = /^[a-z0-9_-]+$/;

/** Subjects are dot-separated lowercase tokens: `module.entity.verb`. */
export function assertSubject(subject: string): void {
  const parts = subject.split('.');
  if (parts.length < 2 || !parts.every((p) => token.test(p))) {
    throw new Error(`bad event subject ${JSON.stringify(subject)}: use lowercase dot-separated tokens`);
  }
}

/** NATS-style match: `*` matches one token, `>` matches one or more trailing tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const pt = p[i];
    if (pt === '>') return s.length > i;
    if (i >= s.length) return false;
    if (pt !== '*' && pt !== s[i]) return false;
  }
  return p.length === s.length;
}
