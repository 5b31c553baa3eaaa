import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PlatformOptions } from '../../src/app.ts';
import { connect } from 'nats';
import { createScratchPostgres } from './databases.ts';

async function deleteNatsStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    await (await nc.jetstreamManager()).streams.delete(stream);
  } catch {
    // never created: nothing to clean
  } finally {
    await nc.close();
  }
}

/** Platform options for a test: free ports, its own data, its own bus namespace and MQTT session. */
export async function testPlatformOptions(opts: { demoPeople?: number } = {}): Promise<{ options: PlatformOptions; dispose: () => Promise<void> }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-app-'));
  const scratch = process.env.DATABASE_URL ? await createScratchPostgres() : undefined;
  const tag = randomBytes(4).toString('hex');
  return {
    options: {
      port: 0,
      mqttPort: 0,
      dataDir,
      databaseUrl: scratch?.url,
      demoPeople: opts.demoPeople ?? 2000,
      logLevel: 'silent',
      nodeId: `test-${tag}`,
      namespace: `t${tag}`,
    },
    async dispose() {
      await scratch?.drop();
      if (process.env.NATS_URL) await deleteNatsStream(process.env.NATS_URL, `T${tag}`.toUpperCase());
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

