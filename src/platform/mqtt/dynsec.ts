import { randomUUID } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '../../kernel/index.ts';
import { mqttError } from './errors.ts';
import type { MqttDeviceAccess, MqttDeviceGrant, MqttDeviceReconcileResult } from './types.ts';

const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;
/** Marks the broker clients the platform owns, so reconciliation never touches other clients. */
export const DEVICE_GROUP = 'citybrain-devices';
/** Commands per control message: one message per device would be slow when reconciling 100 000 devices. */
const BATCH = 200;

type Command = Record<string, unknown> & { command: string };
type Response = { command: string; error?: string; data?: unknown; correlationData?: string };

const roleOf = (id: string): string => `citybrain-device-${id}`;

/**
 * The topics a device may use, the same as the embedded broker's hooks: publish its telemetry and
 * its command answers, subscribe to its commands. Device ids hold no wildcard characters.
 */
function deviceAcls(id: string): Array<{ acltype: string; topic: string; allow: boolean }> {
  return [
    { acltype: 'publishClientSend', topic: `devices/${id}/telemetry`, allow: true },
    { acltype: 'publishClientSend', topic: `devices/${id}/commands/ack`, allow: true },
    { acltype: 'subscribeLiteral', topic: `devices/${id}/commands`, allow: true },
  ];
}

/**
 * Mirrors device credentials and topic ACLs into Mosquitto's dynamic security plugin over its
 * control topic (`$CONTROL/dynamic-security/v1`), with an administrator's own connection. Each
 * device is a dynsec client (user name = device id, password = device token) in the group
 * `citybrain-devices` with a role of its own holding its three topics. Mosquitto disconnects a
 * client whose password changes or that is disabled or deleted, so the old credential stops at once.
 */
export function createDynsecAccess(
  url: string,
  opts: { username: string; password: string; clientId: string; logger: Logger; timeoutMs: number },
): MqttDeviceAccess & { start(): Promise<void>; close(): Promise<void> } {
  const log = opts.logger.child({ component: 'mqtt-dynsec' });
  const waiting = new Map<string, { resolve: (r: Response[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let client: MqttClient | undefined;
  let connected: Promise<void> | undefined;
  // Commands sent before `start` (a module reconciling from its own start) wait for the link.
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  function onResponse(_topic: string, payload: Buffer): void {
    let body: { responses?: Response[] };
    try {
      body = JSON.parse(payload.toString('utf8')) as { responses?: Response[] };
    } catch {
      return;
    }
    const responses = body.responses ?? [];
    // Every administrator connected sees every response: ours carry our correlation ids.
    const key = responses[0]?.correlationData?.split(':')[0];
    const entry = key === undefined ? undefined : waiting.get(key);
    if (!entry || key === undefined) return;
    waiting.delete(key);
    clearTimeout(entry.timer);
    entry.resolve(responses);
  }

  async function send(commands: Command[]): Promise<Response[]> {
    const out: Response[] = [];
    for (let i = 0; i < commands.length; i += BATCH) out.push(...(await sendBatch(commands.slice(i, i + BATCH))));
    return out;
  }

  async function sendBatch(commands: Command[]): Promise<Response[]> {
    await ready;
    return sendNow(commands);
  }

  async function sendNow(commands: Command[]): Promise<Response[]> {
    const mqtt = client;
    if (!mqtt) throw mqttError('mqtt_closed', 'broker device access is closed');
    const key = randomUUID();
    const answered = new Promise<Response[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(key);
        reject(mqttError('mqtt_dynsec_failed', `the broker did not answer dynamic security commands within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      waiting.set(key, { resolve, reject, timer });
    });
    try {
      await mqtt.publishAsync(CONTROL_TOPIC, JSON.stringify({ commands: commands.map((c, i) => ({ ...c, correlationData: `${key}:${i}` })) }), { qos: 1 });
    } catch (err) {
      const entry = waiting.get(key);
      if (entry) clearTimeout(entry.timer);
      waiting.delete(key);
      throw mqttError('mqtt_dynsec_failed', 'cannot send dynamic security commands to the broker', err);
    }
    return answered;
  }

  /** Fail on the first error not listed as harmless (e.g. "already exists" when the state is already right). */
  function check(responses: Response[], harmless: RegExp = /^$/): void {
    const bad = responses.find((r) => r.error !== undefined && !harmless.test(r.error));
    if (bad) throw mqttError('mqtt_dynsec_failed', `broker refused ${bad.command}: ${bad.error}`);
  }

  const ensureGroup = async (): Promise<void> => check(await sendNow([{ command: 'createGroup', groupname: DEVICE_GROUP }]), /already exists/i);

  async function put(grant: MqttDeviceGrant): Promise<void> {
    const { id } = grant;
    // Create the role and client if missing; the "already exists" answers are expected for a known device.
    const created = await send([
      { command: 'createRole', rolename: roleOf(id), acls: deviceAcls(id) },
      {
        command: 'createClient',
        username: id,
        ...(grant.password === undefined ? {} : { password: grant.password }),
        textname: 'OpenCityBrain device',
        roles: [{ rolename: roleOf(id) }],
        groups: [{ groupname: DEVICE_GROUP }],
      },
    ]);
    check(created, /already exists/i);
    const followUp: Command[] = deviceAcls(id).map((acl) => ({ command: 'addRoleACL', rolename: roleOf(id), ...acl }));
    const clientExisted = created[1]?.error !== undefined;
    if (clientExisted) {
      // Replaces the roles and groups as a whole; Mosquitto disconnects the client, so a changed password takes effect at once.
      followUp.push({
        command: 'modifyClient',
        username: id,
        roles: [{ rolename: roleOf(id) }],
        groups: [{ groupname: DEVICE_GROUP }],
        ...(grant.password === undefined ? {} : { password: grant.password }),
      });
    }
    followUp.push({ command: grant.enabled ? 'enableClient' : 'disableClient', username: id });
    check(await send(followUp), /already|exists/i);
  }

  return {
    async start() {
      connected ??= (async () => {
        const mqtt = connect(url, {
          clientId: opts.clientId,
          username: opts.username,
          password: opts.password,
          clean: true,
          protocolVersion: 5,
          connectTimeout: opts.timeoutMs,
          reconnectPeriod: 1_000,
        });
        mqtt.on('message', onResponse);
        mqtt.on('error', (err) => log.warn({ err: err.message }, 'dynamic security link error'));
        await new Promise<void>((resolve, reject) => {
          const fail = (err: Error): void => reject(mqttError('mqtt_connect_failed', `cannot connect to ${url} as dynamic security administrator ${opts.username}`, err));
          mqtt.once('connect', () => resolve());
          mqtt.once('error', fail);
        }).catch(async (err: unknown) => {
          await mqtt.endAsync(true);
          throw err;
        });
        // A reconnect gets a clean session: subscribe again each time.
        mqtt.on('connect', () => void mqtt.subscribeAsync(RESPONSE_TOPIC, { qos: 1 }).catch((err: unknown) => log.warn({ err }, 'dynamic security resubscribe failed')));
        const granted = await mqtt.subscribeAsync(RESPONSE_TOPIC, { qos: 1 });
        if (granted.some((g) => g.qos > 2)) {
          await mqtt.endAsync(true);
          throw mqttError('mqtt_subscribe_refused', `user ${opts.username} may not subscribe to ${RESPONSE_TOPIC}: is it the dynamic security administrator?`);
        }
        client = mqtt;
        log.info({ url, username: opts.username }, 'mqtt broker device access (Mosquitto dynamic security) connected');
      })();
      await connected;
      await ensureGroup();
      markReady();
    },

    put,

    async setEnabled(id, enabled) {
      check(await send([{ command: enabled ? 'enableClient' : 'disableClient', username: id }]));
    },

    async remove(id) {
      check(await send([{ command: 'deleteClient', username: id }, { command: 'deleteRole', rolename: roleOf(id) }]), /not found/i);
    },

    async reconcile(devices) {
      const result: MqttDeviceReconcileResult = { devices: 0, created: 0, withoutCredential: [], enabledChanged: 0, removed: 0 };
      const [listed] = await send([{ command: 'listClients', verbose: true, count: -1 }]);
      if (!listed || listed.error) throw mqttError('mqtt_dynsec_failed', `broker refused listClients: ${listed?.error ?? 'no answer'}`);
      const data = listed.data as { clients?: Array<{ username: string; disabled?: boolean; groups?: Array<{ groupname: string }> }> };
      const ours = new Map<string, { disabled: boolean }>();
      const others = new Set<string>();
      for (const c of data.clients ?? []) {
        if (c.groups?.some((g) => g.groupname === DEVICE_GROUP)) ours.set(c.username, { disabled: c.disabled === true });
        else others.add(c.username);
      }
      const batch: Command[] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        check(await send(batch.splice(0)), /already|exists/i);
      };
      for await (const d of devices) {
        result.devices++;
        const at = ours.get(d.id);
        ours.delete(d.id);
        if (others.has(d.id)) {
          log.warn({ deviceId: d.id }, 'a broker client not managed by the platform has this device id; left as it is');
          continue;
        }
        if (!at) {
          // The broker keeps only a salted hash of the token and so do we (SHA-256): a device never
          // mirrored (registered before MQTT_DYNSEC_USER was set) gets its ACL now and a credential
          // when its token is next rotated.
          result.created++;
          result.withoutCredential.push(d.id);
          batch.push(
            { command: 'createRole', rolename: roleOf(d.id), acls: deviceAcls(d.id) },
            { command: 'createClient', username: d.id, textname: 'OpenCityBrain device', roles: [{ rolename: roleOf(d.id) }], groups: [{ groupname: DEVICE_GROUP }] },
          );
          if (!d.enabled) batch.push({ command: 'disableClient', username: d.id });
        } else if (at.disabled === d.enabled) {
          result.enabledChanged++;
          batch.push({ command: d.enabled ? 'enableClient' : 'disableClient', username: d.id });
        }
        if (batch.length >= BATCH) await flush();
      }
      // Left: the broker's devices the registry no longer has.
      for (const id of ours.keys()) {
        result.removed++;
        batch.push({ command: 'deleteClient', username: id }, { command: 'deleteRole', rolename: roleOf(id) });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      return result;
    },

    async close() {
      const mqtt = client;
      client = undefined;
      markReady();
      for (const [key, entry] of waiting) {
        clearTimeout(entry.timer);
        entry.reject(mqttError('mqtt_closed', 'broker device access closed'));
        waiting.delete(key);
      }
      if (mqtt) await mqtt.endAsync();
    },
  };
}
