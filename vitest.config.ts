import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most suites wait on a database, a broker or a browser: two workers use the 2-core CI machine fully.
    maxWorkers: 2,
    reporters: ['default'],
    // expect.poll waits on a server or a browser; 1 s (the default) is too short on a loaded 2-core CI machine.
    expect: { poll: { timeout: 15_000 } },
  },
});
