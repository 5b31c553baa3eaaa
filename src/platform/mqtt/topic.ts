/** Whether `topic` matches the MQTT filter `filter` (`+` one level, `#` the rest; MQTT-4.7.1, 4.7.2). */
export function topicMatches(filter: string, topic: string): boolean {
  // [MQTT-4.7.2-1] wildcards at the first level do not match topics starting with `$`.
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Throws when `filter` is not a valid MQTT topic filter. */
export function assertTopicFilter(filter: string): void {
  const levels = filter.split('/');
  const bad =
    filter.length === 0 ||
    levels.some((l, i) => (l.includes('#') && (l !== '#' || i !== levels.length - 1)) || (l.includes('+') && l !== '+'));
  if (bad) throw new TypeError(`invalid MQTT topic filter: ${filter}`);
}
