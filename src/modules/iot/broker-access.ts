// 外部代理设备鉴权 device accounts in the external broker: with MQTT_URL and a Mosquitto dynamic
// security administrator, each device's credential and topic ACL are mirrored into the broker
// when the registry changes, and the whole registry is reconciled at start and periodically.
import type { Logger } from '../../kernel/index.ts';
import type { MqttDeviceAccess, MqttDeviceGrant } from '../../platform/mqtt/index.ts';
import { iotError } from './errors.ts';
import type { BrokerAccessStatus } from './schemas.ts';

/** What the registry calls after a change is stored. */
export interface DeviceAccessSync {
  /** A new credential (register, rotate): resolves once the broker has it, else throws `broker_sync_failed`. */
  grant(grant: MqttDeviceGrant): Promise<void>;
  /** Enabled or disabled; a failure is logged and repaired by the next reconciliation. */
  setEnabled(id: string, enabled: boolean): Promise<void>;
  /** Deleted; a failure is logged and repaired by the next reconciliation. */
  remove(id: string): Promise<void>;
}

/** How an operator gives those devices a password. */
export const ROTATE_MISSING_HINT = 'citybrain devices rotate --missing-broker-account';

const RECONCILE_EVERY_MS = 10 * 60_000;
const RETRY_MS = 15_000;

export function createBrokerAccess(deps: {
  access: MqttDeviceAccess;
  logger: Logger;
  devices: () => AsyncIterable<{ id: string; enabled: boolean }>;
  /** Persist the devices whose account was created without a password, and count them all. */
  passwordMissing: { mark(ids: readonly string[]): Promise<void>; count(): Promise<number> };
}): DeviceAccessSync & { start(): void; stop(): void; reconcile(): Promise<void>; status(): Promise<BrokerAccessStatus> } {
  const { access, logger } = deps;
  let last: { at: string; result: BrokerAccessStatus['lastReconciliation'] } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function schedule(ms: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reconcile(), ms);
    timer.unref();
  }

  function reconcile(): Promise<void> {
    running ??= (async () => {
      try {
        const r = await access.reconcile(deps.devices());
        // The broker has only a salted hash and we only a SHA-256 of each token: an account created
        // here has no password until the device's token is rotated. Kept in the registry, so later
        // reconciliations (which find the account) still count the device.
        await deps.passwordMissing.mark(r.withoutCredential);
        const missing = await deps.passwordMissing.count();
        last = { at: new Date().toISOString(), result: { ...r, withoutCredential: r.withoutCredential.length } };
        const fields = { ...r, withoutCredential: r.withoutCredential.length, firstWithoutCredential: r.withoutCredential.slice(0, 20), devicesWithoutBrokerPassword: missing };
        if (missing > 0) {
          logger.warn(fields, `iot broker device accounts reconciled; ${missing} devices have a broker account without a password and cannot connect: rotate their tokens (${ROTATE_MISSING_HINT})`);
        } else logger.info(fields, 'iot broker device accounts reconciled');
        schedule(RECONCILE_EVERY_MS);
      } catch (err) {
        logger.error({ err }, 'iot broker device account reconciliation failed; retrying');
        schedule(RETRY_MS);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    async grant(grant) {
      try {
        await access.put(grant);
      } catch (err) {
        logger.error({ err, deviceId: grant.id }, 'iot broker account not updated');
        throw iotError('broker_sync_failed', `the MQTT broker did not take device ${grant.id}'s credential; retry`, { field: '/params/id' });
      }
    },
    async setEnabled(id, enabled) {
      await access.setEnabled(id, enabled).catch((err: unknown) => {
        logger.error({ err, deviceId: id, enabled }, 'iot broker account not updated; the next reconciliation repairs it');
        schedule(RETRY_MS);
      });
    },
    async remove(id) {
      await access.remove(id).catch((err: unknown) => {
        logger.error({ err, deviceId: id }, 'iot broker account not deleted; the next reconciliation repairs it');
        schedule(RETRY_MS);
      });
    },
    start() {
      stopped = false;
      // The engine's link comes up after the modules start: reconcile() waits for it.
      void reconcile();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    reconcile,
    async status() {
      return { configured: true, lastReconciledAt: last?.at ?? null, lastReconciliation: last?.result ?? null, devicesWithoutBrokerPassword: await deps.passwordMissing.count() };
    },
  };
}
