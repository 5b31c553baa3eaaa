import type { TFunction } from 'i18next';
import type { Language } from './i18n.ts';

const numberFormats = new Map<Language, Intl.NumberFormat>();

/** Formats a count with the language's digit grouping (1,234,567). */
export function formatCount(value: number, language: Language): string {
  let format = numberFormats.get(language);
  if (!format) {
    format = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
    numberFormats.set(language, format);
  }
  return format.format(value);
}

/** Formats an ISO timestamp as a local date and time. */
export function formatDateTime(iso: string, language: Language): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "1 天 2 小时 3 分" / "1 d 2 h 3 min"; seconds only under a minute. */
export function formatDuration(totalSeconds: number, t: TFunction): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return t('duration.seconds', { n: s });
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (days) parts.push(t('duration.days', { n: days }));
  if (days || hours) parts.push(t('duration.hours', { n: hours }));
  parts.push(t('duration.minutes', { n: minutes }));
  return parts.join(t('duration.separator'));
}
