// Message channels deliver one-time codes (短信验证码). `log` writes them to the platform log (dev
// and tests); an SMS gateway implements the same interface.
import type { Logger } from '../../kernel/index.ts';

export interface MessageChannel {
  readonly name: string;
  send(to: string, text: string): Promise<void>;
}

export interface LogChannel extends MessageChannel {
  /** The last 100 messages, newest last (the dev console and tests read them). */
  readonly sent: ReadonlyArray<{ to: string; text: string; at: Date }>;
}

export function logChannel(logger: Logger): LogChannel {
  const sent: Array<{ to: string; text: string; at: Date }> = [];
  return {
    name: 'log',
    sent,
    send(to, text) {
      sent.push({ to, text, at: new Date() });
      if (sent.length > 100) sent.shift();
      logger.info({ channel: 'log', to }, `message to ${to}: ${text}`);
      return Promise.resolve();
    },
  };
}
