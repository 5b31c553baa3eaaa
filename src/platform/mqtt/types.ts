import type { Logger } from '../../kernel/index.ts';

/** A PUBLISH received from a device (embedded broker) or from the external broker. */
export type MqttMessage = {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  /** The broker or device may have sent this message before (redelivery): handlers must be idempotent. */
  dup: boolean;
  /** Client id of the publishing device; embedded mode only. */
  clientId?: string;
  /** Principal returned by `authenticate` for the publishing device; embedded mode only. */
  principal?: string;
  /** Network address of the publishing device; embedded mode only. */
  remoteAddress?: string;
};

/** Stores a message; resolves only once it is durably stored. A rejection means "not stored". */
export type MqttHandler = (msg: MqttMessage) => Promise<void>;

/** Checks a device's CONNECT credentials (embedded mode). `principal` is passed to the authorize hooks. */
export type MqttAuthenticate = (
  clientId: string,
  username: string | undefined,
  password: Buffer | undefined,
) => Promise<{ ok: true; principal: string } | { ok: false }>;

/** Whether `principal` may publish to (or subscribe to) `topic`; synchronous so it stays cheap per message. */
export type MqttAuthorize = (principal: string, topic: string) => boolean;

/** Bounds that keep memory and work finite under overload. */
export type MqttLimits = {
  /** Handler calls running at once. */
  maxInFlight: number;
  /** Messages waiting for a handler slot, all clients together. */
  maxQueued: number;
  /** Messages of one device connection being handled or waiting (embedded). */
  maxPendingPerClient: number;
  /** Largest MQTT packet accepted, fixed header included. */
  maxPacketBytes: number;
  /** Open device connections (embedded). */
  maxConnections: number;
  /** Time for a new connection to send CONNECT (embedded) or to get CONNACK (external). */
  connectTimeoutMs: number;
  /** A handler call not settled after this long counts as failed: the message is not acknowledged. */
  handlerTimeoutMs: number;
  /** Time `close()` waits for running handlers before closing anyway. */
  closeTimeoutMs: number;
};

export type MqttStats = {
  mode: MqttMode;
  /** Connected devices (embedded); consumer sessions connected to the external broker (external). */
  clients: number;
  /** Messages that matched a consumer. */
  received: number;
  /** Messages whose handlers resolved (stored; QoS 1 acknowledged). */
  handled: number;
  /** Messages whose handler rejected or timed out (QoS 1: not acknowledged, will be redelivered). */
  failed: number;
  /** QoS 0 messages not handed to a handler because a bound was reached. */
  refused: number;
  /** Publishes refused by `authorizePublish` (the device is disconnected, as MQTT 3.1.1 requires). */
  unauthorized: number;
  /** Device connections closed by a limit: pending messages, queue full, packet too large. */
  droppedClients: number;
  /** Connections refused: `maxConnections` reached or bad credentials. */
  rejectedConnections: number;
  /** Messages sent through `publish`. */
  published: number;
  /** External: QoS 1 messages that arrived past the session's Receive Maximum (a broker bug); reading pauses until they are stored. */
  receiveMaximumExceeded: number;
  /** Handler calls running now. */
  inFlight: number;
  /** Messages waiting for a handler slot now. */
  queued: number;
};

export type MqttMode = 'embedded' | 'external';

/** The platform's MQTT engine: an embedded Aedes broker or a client of an external broker. */
export interface MqttEngine {
  readonly mode: MqttMode;
  /** Actual listening port (embedded, after `start`). */
  readonly port: number | undefined;
  /** Listen (embedded) or connect and subscribe (external). */
  start(): Promise<void>;
  /**
   * Hand messages whose topic matches `topicFilter` (MQTT wildcards `+`, `#`) to `handler`.
   * QoS 1 messages are acknowledged only after every matching handler resolved; a rejection leaves
   * the message unacknowledged so it is redelivered (at least once). External mode subscribes with
   * a shared subscription, so nodes in the same share group split the messages; register consumers
   * before `start` so a resumed session's backlog finds its handler.
   */
  consume(topicFilter: string, handler: MqttHandler): Promise<void>;
  /** Publish from the platform (e.g. a command to a device); bypasses the authorize hooks. */
  publish(topic: string, payload: Buffer | string, opts?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  /**
   * Install the device-authentication hooks after construction (a module that owns the device
   * registry calls this from its `start`); hooks given here replace those passed as options.
   * Embedded mode only: with an external broker (`MQTT_URL`) the broker authenticates devices and
   * enforces topic ACLs itself, so these hooks are kept but never called.
   */
  setAuthHooks(hooks: MqttAuthHooks): void;
  /**
   * External broker with Mosquitto's dynamic security plugin (`dynsec` option): mirrors each
   * device's credential and topic ACL into the broker. Undefined in embedded mode (the auth hooks
   * do that job) and when no dynsec administrator is configured.
   */
  readonly deviceAccess: MqttDeviceAccess | undefined;
  stats(): MqttStats;
  /** Stop taking messages, wait for running handlers (up to `closeTimeoutMs`), then close. */
  close(): Promise<void>;
}

/** A device's broker account: user name = device id; `password` (its token) only when it changes. */
export type MqttDeviceGrant = { id: string; password?: string; enabled: boolean };

export type MqttDeviceReconcileResult = {
  /** Devices in the registry. */
  devices: number;
  /** Broker accounts created for devices the broker did not know. */
  created: number;
  /** Devices whose broker account has no password yet (the token is kept only hashed): rotate their token. */
  withoutCredential: string[];
  /** Accounts enabled or disabled to match the registry. */
  enabledChanged: number;
  /** Broker accounts of devices no longer in the registry, deleted. */
  removed: number;
};

/** Device accounts and topic ACLs kept in the external broker (Mosquitto dynamic security). */
export interface MqttDeviceAccess {
  /** Create or update the device's account and ACL; sets the password when given. Resolves once the broker applied it. */
  put(grant: MqttDeviceGrant): Promise<void>;
  /** Enable or disable the account; the broker disconnects a disabled device. */
  setEnabled(id: string, enabled: boolean): Promise<void>;
  /** Delete the account and its ACL; the broker disconnects the device. */
  remove(id: string): Promise<void>;
  /** Make the broker's device accounts match `devices` (the registry): create missing, fix enabled, delete extra. */
  reconcile(devices: AsyncIterable<{ id: string; enabled: boolean }>): Promise<MqttDeviceReconcileResult>;
}

/** The embedded broker's device checks: CONNECT credentials, PUBLISH and SUBSCRIBE topics. */
export type MqttAuthHooks = {
  authenticate?: MqttAuthenticate;
  authorizePublish?: MqttAuthorize;
  authorizeSubscribe?: MqttAuthorize;
  /** Told of every publish the engine refused (unauthorized topic, QoS 0 shed under overload); must not throw or block. */
  onRefused?: (refusal: MqttRefusal) => void;
};

/** A device publish the engine did not hand to a handler, and why. */
export type MqttRefusal = {
  /** `unauthorized`: a topic the device may not publish to (embedded); the others: a QoS 0 message shed by a bound. */
  reason: 'unauthorized' | 'queue_full' | 'client_limit' | 'shutting_down';
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  clientId?: string;
  /** The device the connection authenticated as (embedded). */
  principal?: string;
  /** The device's network address (embedded). */
  remoteAddress?: string;
};

export type MqttEngineOptions = {
  /** External broker (`mqtt://…`, `mqtts://…`); when absent an embedded broker is started. */
  url?: string | undefined;
  /** Embedded: bind address (default 127.0.0.1) and port (default 1883; 0 = any free port). */
  host?: string;
  port?: number;
  /** External: session client id, fixed per node so a restart resumes its session (default `citybrain-<hostname>`). */
  clientId?: string;
  /** External: consumer sessions this node opens in the share group, to consume in parallel (default 1; the platform uses IOT_MQTT_CONSUMERS). */
  consumers?: number;
  /** External: shared-subscription group; nodes in one group split the messages (default `citybrain`). */
  shareGroup?: string;
  /** External: how long the broker keeps this node's session and unacknowledged messages while it is away (default 1 day). */
  sessionExpirySeconds?: number;
  logger: Logger;
  limits?: Partial<MqttLimits>;
  /** External: a Mosquitto dynamic security administrator; when set the engine mirrors device accounts (see `deviceAccess`). */
  dynsec?: { username: string; password: string } | undefined;
  /** Embedded: called on CONNECT; without it every client is accepted and its principal is its client id. */
  authenticate?: MqttAuthenticate;
  /** Embedded: called for every device PUBLISH; `false` disconnects the device. */
  authorizePublish?: MqttAuthorize;
  /** Embedded: called for every device SUBSCRIBE filter; `false` refuses that filter (SUBACK 0x80). */
  authorizeSubscribe?: MqttAuthorize;
};
