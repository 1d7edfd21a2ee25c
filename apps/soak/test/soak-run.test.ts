import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningProcess, startProcess } from '@relay/devkit';
import { afterEach, expect, it } from 'vitest';
import type { SoakSummary } from '../src/summary.js';

const soakMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let soak: RunningProcess | undefined;
let resultsDir: string | undefined;

afterEach(async () => {
  // A failed expectation must not leave the soak's PostgreSQL and relay processes behind.
  if (soak && !soak.exited()) {
    soak.kill('SIGTERM');
    await soak.waitForExit({ timeoutMs: 60_000 });
  }
  if (resultsDir) await rm(resultsDir, { recursive: true, force: true });
});

it('a 40-second soak of the real relay under every fault loses nothing and passes every invariant (seed 1)', async () => {
  resultsDir = await mkdtemp(join(tmpdir(), 'soak-results-'));
  soak = startProcess(process.execPath, [soakMain, '--seed', '1', '--duration', '40s', '--results-dir', resultsDir]);
  const exit = await soak.waitForExit({ timeoutMs: 200_000, intervalMs: 200 });
  const output = soak.output();
  expect(exit, output).toEqual({ code: 0, signal: null });
  expect(output).toContain('fault schedule (seed 1)');
  expect(output).toContain('result: PASS (seed 1)');
  expect(output).not.toMatch(/^FAIL /m);

  const file = (await readdir(resultsDir)).find((name) => name.endsWith('.json'));
  const summary = JSON.parse(await readFile(join(resultsDir, file ?? 'missing.json'), 'utf8')) as SoakSummary;
  expect(summary.passed).toBe(true);
  expect(summary.drained).toBe(true);
  // The run really was under fire: every process fault, a PostgreSQL restart, a requeue.
  for (const kind of ['kill-watcher', 'kill-dispatcher', 'term-watcher', 'term-dispatcher', 'pg-restart', 'requeue']) {
    expect(summary.faultsInjected[kind], kind).toBeGreaterThan(0);
  }
  expect(summary.deadLettersRequeued).toBeGreaterThan(0);
  expect(summary.writers.rolledBackRows).toBeGreaterThan(0);
  expect(summary.writers.longTransactions).toBeGreaterThan(0);
  expect(summary.events).toBe(summary.sourceRows);
  expect(summary.events).toBeGreaterThan(200);
  expect(summary.invariants.filter((i) => !i.ok)).toEqual([]);
}, 240_000);
