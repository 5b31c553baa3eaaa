import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/citybrain.mjs', import.meta.url));

function citybrain(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('citybrain validate', () => {
  it('accepts a valid resident ID and prints what it encodes', () => {
    const r = citybrain(['validate', 'id', '11010519491231002X']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1949-12-31');
    expect(r.stdout).toContain('female');
  });

  it('rejects a resident ID with a wrong check digit, exit 1 and the reason', () => {
    const r = citybrain(['validate', 'id', '110105194912310021']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/check/i);
    expect(r.stderr).toContain('checksum');
  });

  it('rejects a resident ID born on a date that does not exist', () => {
    const r = citybrain(['validate', 'id', '110105194902300027']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('birth_date');
  });

  it('accepts a valid unified social credit code and rejects a tampered one', () => {
    expect(citybrain(['validate', 'uscc', '91350100M000100Y43']).code).toBe(0);
    const bad = citybrain(['validate', 'uscc', '91350100M000100Y44']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('checksum');
  });

  it('knows the division codes of Liaocheng and refuses an unknown one', () => {
    const ok = citybrain(['validate', 'division', '371502']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('东昌府区');
    const bad = citybrain(['validate', 'division', '371599']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown');
  });

  it('exits 2 on an unknown kind', () => {
    expect(citybrain(['validate', 'passport', 'E123']).code).toBe(2);
  });
});

describe('citybrain help and configuration', () => {
  it('lists its commands and the environment variables', () => {
    const r = citybrain(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['start', 'demo', 'migrate', 'validate']) expect(r.stdout).toContain(cmd);
    expect(r.stdout).toContain('DATABASE_URL');
    for (const cmd of ['start', 'demo', 'migrate', 'validate']) expect(citybrain([cmd, '--help']).code).toBe(0);
  });

  it('stops at boot with one clear line naming the bad variable', () => {
    const r = citybrain(['migrate'], { PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT="eighty"');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('migrates a fresh embedded database and reports it up to date the second time', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const env: Record<string, string> = { CITYBRAIN_DATA_DIR: dir, DATABASE_URL: '' };
    const first = citybrain(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied platform/001_outbox.sql');
    const second = citybrain(['migrate'], env);
    expect(second.stdout).toContain('up to date');
  });
});
