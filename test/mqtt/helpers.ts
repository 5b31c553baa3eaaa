import { createLogger } from '../../src/kernel/index.ts';
import { createMqttEngine, type MqttEngine, type MqttEngineOptions } from '../../src/platform/mqtt/index.ts';

export const silentLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** An embedded engine on a free port, started. */
export async function startEmbedded(opts: Partial<MqttEngineOptions> = {}, setup?: (engine: MqttEngine) => Promise<void>): Promise<MqttEngine & { url: string }> {
  const engine = createMqttEngine({ port: 0, logger: silentLogger, ...opts });
  await setup?.(engine);
  await engine.start();
  return Object.assign(engine, { url: `mqtt://127.0.0.1:${engine.port}` });
}

export function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve: () => void = () => undefined;
  let reject: (err: Error) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it is true or `timeoutMs` passed; returns the last result. */
export async function waitFor(check: () => boolean, timeoutMs = 5_000, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}
