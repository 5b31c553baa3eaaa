/**
 * Platform: the engines behind interfaces. Each has an embedded default and a scale-out engine
 * chosen by an environment variable (DESIGN.md).
 */
import { fileURLToPath } from 'node:url';
import type { MigrationSource } from './db/index.ts';

export * from './db/index.ts';
export * from './bus/index.ts';
export * from './cache/index.ts';
export * from './http/index.ts';

/** The platform's own tables (outbox, idempotency keys); applied before any module's. */
export const platformMigrations: MigrationSource = {
  module: 'platform',
  dir: fileURLToPath(new URL('./migrations', import.meta.url)),
};
export * from './mqtt/index.ts';
export * from './audit/index.ts';
export * from './secrets/index.ts';
export type { ModuleContext, PlatformModule } from './module.ts';
