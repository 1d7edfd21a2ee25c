#!/usr/bin/env node
/**
 * `npm run bench` (or `node apps/bench/dist/main.js --events 5000`): measures this
 * machine's limits and the relay side by side, prints the table, writes the JSON.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { runMain, toError } from '@relay/common';
import { killLeftoverProcesses, REPO_ROOT } from '@relay/devkit';
import { runBench } from './bench.js';
import { parseBenchOptions } from './options.js';
import { createProgress } from './progress.js';
import { machineInfo, writeResults } from './report/results-file.js';
import { buildSummary } from './report/summary.js';
import { buildTable, formatTable } from './report/table.js';

const ENTRY_POINTS = ['apps/watcher/dist/main.js', 'apps/dispatcher/dist/main.js'];

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  for (const entry of ENTRY_POINTS) {
    if (!existsSync(resolve(REPO_ROOT, entry))) throw new Error(`${entry} is missing: run npm run build first`);
  }
  const progress = createProgress();
  const startedAt = new Date();
  const loadAtStart = loadavg();
  progress(
    `bench: ${options.events} events, ${options.latencySamples} single rows, history up to ` +
      `${options.scaleMax.toLocaleString('en')} rows, concurrency ${options.concurrency}, BATCH_SIZE ${options.batchSize}`,
  );

  // Ctrl-C: stop the relay processes and PostgreSQL the run started, then exit.
  const interrupt = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping what the bench started`);
    void killLeftoverProcesses().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  let run: Awaited<ReturnType<typeof runBench>>;
  try {
    run = await runBench(options, progress);
  } catch (err) {
    await killLeftoverProcesses();
    process.stderr.write(`bench: failed: ${toError(err).message}\n`);
    process.exit(1);
  }

  const finishedAt = new Date();
  const summary = buildSummary(run.figures);
  const table = buildTable(run.figures);
  const { resultsDir, ...recorded } = options;
  const path = await writeResults(resultsDir, {
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    duration_s: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
    machine: machineInfo(run.postgresVersion, loadAtStart),
    options: recorded,
    summary,
    table,
    figures: run.figures,
  });
  process.stdout.write(`\n${formatTable(table)}\n\nsummary: ${JSON.stringify(summary)}\nresults: ${path}\n`);
  // Keep-alive sockets and graphile-worker timers would hold the process a few seconds.
  process.exit(0);
}

runMain('bench', main);
