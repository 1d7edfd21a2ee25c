import { DISPATCHER_MAIN, REPO_ROOT, startProcess } from '@relay/devkit';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', DOWNSTREAM_URLS: 'https://a.example/x' };

describe('dispatcher configuration', () => {
  it('a bad DOWNSTREAM_URLS stops the process with one line naming the variable and exit 1', async () => {
    const proc = startProcess(process.execPath, [DISPATCHER_MAIN], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...base, DOWNSTREAM_URLS: 'https://ok.example,ftp://files.example' },
    });
    const exit = await proc.waitForExit({ timeoutMs: 10_000 });
    expect(exit.code).toBe(1);
    const lines = proc.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DOWNSTREAM_URLS');
  });

  it('requires DOWNSTREAM_URLS', () => {
    expect(() => loadConfig({ DATABASE_URL: base.DATABASE_URL })).toThrow(/DOWNSTREAM_URLS/);
  });

  it('rejects a backoff max below the base, and a malformed whsec_ secret', () => {
    expect(() => loadConfig({ ...base, DELIVERY_BACKOFF_BASE_MS: '5000', DELIVERY_BACKOFF_MAX_MS: '100' })).toThrow(
      /DELIVERY_BACKOFF_MAX_MS/,
    );
    expect(() => loadConfig({ ...base, DOWNSTREAM_SIGNING_SECRET: 'whsec_%%%' })).toThrow(/DOWNSTREAM_SIGNING_SECRET/);
  });

  it('defaults: a day-long retry schedule and a timeout inside Cloud Run grace period', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      port: 8080,
      maxAttempts: 19,
      backoffBaseMs: 10_000,
      backoffMaxMs: 21_600_000,
      concurrency: 10,
      staleAfterMs: 60_000,
      authHeader: 'authorization',
    });
    expect(config.timeoutMs).toBeLessThan(10_000);
    expect(config.endpoints).toEqual(['https://a.example/x']);
  });
});
