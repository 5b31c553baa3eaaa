import type { Clock, Logger } from '../../kernel/index.ts';
import type { AuditLog, Database, RateLimiter } from '../../platform/index.ts';
import type { CityService } from '../city/index.ts';
import type { MessageChannel } from './channel.ts';
import type { Principals } from './principal-cache.ts';
import type { IdentityStore } from './store.ts';

/** Tunables of sign-in and sessions. */
export interface IdentitySettings {
  /** Failed sign-ins in a row before the account is locked. */
  maxFailures: number;
  lockMinutes: number;
  /** Absolute session lifetime. */
  sessionHours: number;
  /** A session unused this long ends. */
  idleMinutes: number;
  /** Sign-in attempts a minute from one IP address (all nodes, through the rate limiter). */
  signInsPerMinutePerIp: number;
  /** A session's last-seen time (idle timeout) is written at most this often. */
  sessionTouchSeconds: number;
  /**
   * How long the access hook keeps a resolved session or API key (0 = not at all). Changes that
   * revoke access drop it at once on every node; this bounds what a lost bus message could cost.
   */
  principalCacheSeconds: number;
  /** At most this many cached principals per node, least recently used out first. */
  principalCacheEntries: number;
}

export const DEFAULT_SETTINGS: IdentitySettings = {
  maxFailures: 5, lockMinutes: 15, sessionHours: 12, idleMinutes: 30, signInsPerMinutePerIp: 60,
  sessionTouchSeconds: 60, principalCacheSeconds: 5, principalCacheEntries: 10_000,
};

/** What the parts of the identity service share. */
export interface IdentityContext {
  db: Database;
  store: IdentityStore;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  city: CityService;
  channel: MessageChannel;
  rateLimiter: RateLimiter;
  settings: IdentitySettings;
  /** The access hook's principal cache, and the one way to change what it holds. */
  principals: Principals;
}
