import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs (pino). `pretty` is not used: logs are for machines; `LOG_LEVEL=silent` mutes them. */
export function createLogger(opts: { level: string; name?: string }): Logger {
  return pino({
    level: opts.level,
    name: opts.name ?? 'citybrain',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret'], censor: '[redacted]' },
  });
}
