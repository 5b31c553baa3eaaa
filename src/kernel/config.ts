import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppError } from './errors.ts';

/**
 * Platform configuration, parsed and validated once at boot from the environment.
 * Each engine has an embedded default; setting its URL switches to the scale-out engine.
 */
const ConfigSchema = Type.Object({
  host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'HOST: address the HTTP server binds' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'PORT: HTTP port (0 = any free port)' }),
  dataDir: Type.String({ minLength: 1, default: './data', description: 'CITYBRAIN_DATA_DIR: embedded database and files' }),
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'DATABASE_URL: PostgreSQL instead of embedded PGlite' })),
  natsUrl: Type.Optional(Type.String({ pattern: '^(nats|tls)://', description: 'NATS_URL: NATS JetStream instead of the in-process bus' })),
  mqttUrl: Type.Optional(Type.String({ pattern: '^mqtts?://', description: 'MQTT_URL: external broker instead of the embedded one' })),
  mqttDynsecUser: Type.Optional(Type.String({ minLength: 1, description: 'MQTT_DYNSEC_USER: with MQTT_URL (Mosquitto 2 with the dynamic security plugin), the dynsec administrator the platform uses to mirror device credentials and topic ACLs into the broker' })),
  mqttDynsecPassword: Type.Optional(Type.String({ minLength: 1, description: 'MQTT_DYNSEC_PASSWORD: password of MQTT_DYNSEC_USER' })),
  mqttPort: Type.Integer({ minimum: 0, maximum: 65535, default: 1883, description: 'MQTT_PORT: embedded broker port' }),
  mqttHost: Type.String({ minLength: 1, default: '127.0.0.1', description: 'MQTT_HOST: embedded broker bind address' }),
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'REDIS_URL: shared rate limits across API nodes' })),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'LOG_LEVEL' },
  ),
  demoPeople: Type.Integer({ minimum: 100, maximum: 20_000_000, default: 100_000, description: 'CITYBRAIN_DEMO_PEOPLE: size of the demo city built on first start' }),
  demoSeed: Type.Integer({ minimum: 0, default: 371500, description: 'CITYBRAIN_DEMO_SEED: seed of the deterministic demo city' }),
  rateLimitPerMinute: Type.Integer({ minimum: 1, default: 1200, description: 'RATE_LIMIT_PER_MINUTE: API requests per client address per minute' }),
  namespace: Type.String({ pattern: '^[a-z][a-z0-9_]{0,30}$', default: 'citybrain', description: 'CITYBRAIN_NAMESPACE: NATS stream and subject prefix and MQTT shared-subscription group, so several platforms can share one NATS and one broker' }),
  nodeId: Type.String({ minLength: 1, default: 'node-1', description: 'CITYBRAIN_NODE_ID: names this API node (MQTT session, bus consumers)' }),
  iotMqttConsumers: Type.Integer({ minimum: 1, maximum: 64, default: 4, description: 'IOT_MQTT_CONSUMERS: with MQTT_URL, consumer sessions this node opens in the shared subscription, to consume device messages in parallel' }),
  fieldKey: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32}$', description: 'CITYBRAIN_FIELD_KEY: SM4 key (32 hex digits) sealing stored secrets such as data-source credentials; generated under the data directory when unset (set the same key on every API node)' })),
  publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+$', description: 'PUBLIC_URL: the origin people and applications reach the platform at, e.g. https://brain.example.gov.cn (the OpenID Connect issuer); http://127.0.0.1:<port> by default. Scheme and host only: no path, no trailing slash' })),
});

export type Config = Static<typeof ConfigSchema>;

const envNames: Record<keyof Config, string> = {
  host: 'HOST',
  port: 'PORT',
  dataDir: 'CITYBRAIN_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  natsUrl: 'NATS_URL',
  mqttUrl: 'MQTT_URL',
  mqttDynsecUser: 'MQTT_DYNSEC_USER',
  mqttDynsecPassword: 'MQTT_DYNSEC_PASSWORD',
  mqttPort: 'MQTT_PORT',
  mqttHost: 'MQTT_HOST',
  redisUrl: 'REDIS_URL',
  logLevel: 'LOG_LEVEL',
  demoPeople: 'CITYBRAIN_DEMO_PEOPLE',
  demoSeed: 'CITYBRAIN_DEMO_SEED',
  rateLimitPerMinute: 'RATE_LIMIT_PER_MINUTE',
  namespace: 'CITYBRAIN_NAMESPACE',
  nodeId: 'CITYBRAIN_NODE_ID',
  iotMqttConsumers: 'IOT_MQTT_CONSUMERS',
  fieldKey: 'CITYBRAIN_FIELD_KEY',
  publicUrl: 'PUBLIC_URL',
};

/** Documented list of environment variables, for `--help` and docs. */
export function configVariables(): Array<{ env: string; key: string; description: string; default?: unknown }> {
  return Object.entries(envNames).map(([key, env]) => {
    const prop = ConfigSchema.properties[key as keyof Config] as { description?: string; default?: unknown };
    return { env, key, description: prop.description ?? '', default: prop.default };
  });
}

/**
 * Read the configuration from environment variables, with programmatic overrides on top.
 * Throws AppError('invalid', 'config_invalid') naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(envNames)) {
    const v = env[name];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) raw[k] = v;
  const withDefaults = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  const errors = [...Value.Errors(ConfigSchema, withDefaults)];
  if (errors.length > 0) {
    const problems = errors.map((e) => {
      const key = e.path.replace(/^\//, '') as keyof Config;
      return `${envNames[key] ?? key}=${JSON.stringify(raw[key])}: ${e.message}`;
    });
    throw new AppError('invalid', 'config_invalid', `invalid configuration: ${problems.join('; ')}`, { problems });
  }
  const config = withDefaults as Config;
  if ((config.mqttDynsecUser === undefined) !== (config.mqttDynsecPassword === undefined) || (config.mqttDynsecUser !== undefined && !config.mqttUrl)) {
    const problem = 'MQTT_DYNSEC_USER and MQTT_DYNSEC_PASSWORD go together, and only with MQTT_URL';
    throw new AppError('invalid', 'config_invalid', `invalid configuration: ${problem}`, { problems: [problem] });
  }
  return { ...config, dataDir: path.resolve(config.dataDir) };
}
