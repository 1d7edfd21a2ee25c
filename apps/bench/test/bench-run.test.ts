import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningProcess, startProcess } from '@relay/devkit';
import { afterEach, expect, it } from 'vitest';
import type { BenchResults } from '../src/report/results-file.js';
import { SUMMARY_KEYS } from '../src/report/summary.js';

const benchMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let bench: RunningProcess | undefined;
let resultsDir: string | undefined;

afterEach(async () => {
  // A failed expectation must not leave the bench's PostgreSQL and relay processes behind.
  if (bench && !bench.exited()) {
    bench.kill('SIGTERM');
    await bench.waitForExit({ timeoutMs: 30_000 });
  }
  if (resultsDir) await rm(resultsDir, { recursive: true, force: true });
});

it('a tiny bench run prints every figure with its ratio and writes the JSON summary with every stable key', async () => {
  resultsDir = await mkdtemp(join(tmpdir(), 'bench-results-'));
  bench = startProcess(process.execPath, [
    benchMain,
    '--events',
    '200',
    '--latency-samples',
    '20',
    '--scale-max',
    '10k',
    '--results-dir',
    resultsDir,
  ]);
  const exit = await bench.waitForExit({ timeoutMs: 170_000, intervalMs: 200 });
  const output = bench.output();
  expect(exit, output).toEqual({ code: 0, signal: null });
  // Progress while it runs, then the table.
  expect(output).toMatch(/\[\s*\d+\.\ds\] limit: graphile-worker no-op jobs/);
  for (const figure of [
    'raw graphile-worker no-op jobs',
    'raw undici POSTs',
    'poll transaction alone, BATCH_SIZE 50',
    'poll transaction alone, BATCH_SIZE 500',
    'end to end, one endpoint',
    'end to end, two endpoints',
    'dispatch latency at rest p50',
    'dispatch latency at rest p99',
    'idle poll, 10,000 relayed rows (p50)',
    'healthy endpoint while the other fails',
  ]) {
    expect(output).toContain(figure);
  }

  const files = (await readdir(resultsDir)).sort();
  expect(files).toHaveLength(2);
  expect(files).toContain('latest.json');
  const latest = JSON.parse(await readFile(join(resultsDir, 'latest.json'), 'utf8')) as BenchResults;
  const stamped = JSON.parse(await readFile(join(resultsDir, files[0] ?? ''), 'utf8')) as BenchResults;
  expect(stamped).toEqual(latest);

  expect(Object.keys(latest.summary).sort()).toEqual([...SUMMARY_KEYS].sort());
  for (const key of SUMMARY_KEYS) {
    expect(Number.isFinite(latest.summary[key]), `${key} = ${latest.summary[key]}`).toBe(true);
  }
  expect(latest.machine.cores).toBeGreaterThan(0);
  expect(latest.machine.node).toBe(process.version);
  expect(latest.machine.postgres).toMatch(/^\d+\.\d+/);
  expect(latest.options.events).toBe(200);
  // With history capped at 10k, the largest size run is 10k.
  expect(latest.figures.scale.map((point) => point.rows)).toEqual([10_000]);
  expect(latest.figures.endToEndOne.events).toBe(200);
  expect(latest.figures.latencyAtRest.count).toBe(20);
}, 180_000);

it('a bad option stops the bench at once with one line naming it', async () => {
  bench = startProcess(process.execPath, [benchMain, '--scale-max', '5k']);
  const exit = await bench.waitForExit({ timeoutMs: 20_000 });
  expect(exit.code).toBe(1);
  expect(bench.output().trim()).toBe('bench: --scale-max / BENCH_SCALE_MAX: must be 10k, 100k or 1m (got "5k")');
});
