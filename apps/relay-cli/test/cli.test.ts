import { freePort } from '@relay/devkit';
import { expect, it } from 'vitest';
import { runRelay } from './run-relay.js';

it('lists its commands with --help (exit 0) and without a command (exit 2)', async () => {
  const help = await runRelay(['--help'], {});
  expect(help.code).toBe(0);
  for (const name of ['status', 'requeue', 'replay', 'reconcile', 'prune']) expect(help.stdout).toContain(name);
  expect((await runRelay([], {})).code).toBe(2);
});

it('explains each command with --help', async () => {
  const result = await runRelay(['requeue', '--help'], {});
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('--dry-run');
});

it('rejects an unknown command or option with exit 2', async () => {
  const unknown = await runRelay(['frobnicate'], {});
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown command "frobnicate"');
  const badOption = await runRelay(['status', '--colour'], { DATABASE_URL: 'postgres://x@127.0.0.1/x' });
  expect(badOption.code).toBe(2);
  expect(badOption.stderr).toContain("Unknown option '--colour'");
});

it('fails with one line and exit 1 when the database is unreachable or DATABASE_URL is unset', async () => {
  const port = await freePort();
  const unreachable = await runRelay(['status'], { DATABASE_URL: `postgres://u:secret@127.0.0.1:${port}/x` });
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr.trim()).toMatch(/^relay: database unreachable: connection refused/);
  expect(unreachable.stderr).not.toContain('secret');
  const unset = await runRelay(['status'], { DATABASE_URL: '' });
  expect(unset.code).toBe(1);
  expect(unset.stderr.trim()).toBe('relay: DATABASE_URL is not set (expected postgres://user:password@host:5432/db)');
});
