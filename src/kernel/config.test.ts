import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';

describe('loadConfig', () => {
  it('gives the documented defaults on an empty environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.mqttPort).toBe(1883);
    expect(c.demoPeople).toBe(100_000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });

  it('reads and converts environment variables', () => {
    const c = loadConfig({ PORT: '9090', DATABASE_URL: 'postgres://u@h/db', CITYBRAIN_DEMO_PEOPLE: '2500', LOG_LEVEL: 'warn' });
    expect(c.port).toBe(9090);
    expect(c.databaseUrl).toBe('postgres://u@h/db');
    expect(c.demoPeople).toBe(2500);
    expect(c.logLevel).toBe('warn');
  });

  it('names every bad variable in one clear error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const message = (error as AppError).message;
    expect(message).toContain('PORT="eighty"');
    expect(message).toContain('DATABASE_URL="mysql://x"');
    expect(message).toContain('LOG_LEVEL="loud"');
  });

  it('lets programmatic overrides win over the environment', () => {
    expect(loadConfig({ PORT: '9090' }, { port: 0 }).port).toBe(0);
  });
});
