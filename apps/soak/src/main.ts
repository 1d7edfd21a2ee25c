#!/usr/bin/env node
/**
 * `npm run soak -- --seed 1 --duration 60s`: runs the real relay under the seed's fault
 * schedule, drains it, checks the invariants. Exit 0 when they all hold, 1 otherwise.
 */
import { existsSync } from 'node:fs';
import { runMain } from '@relay/common';
import { formatInvariants } from './checks/report.js';
import { ENTRY_POINTS } from './fleet.js';
import { formatOptions, parseSoakOptions } from './options.js';
import { formatSchedule, generateSchedule } from './schedule.js';
import { createSoak } from './soak.js';
import { formatSummary, writeResults } from './summary.js';

async function main(): Promise<void> {
  const options = parseSoakOptions(process.argv.slice(2));
  const started = Date.now();
  const print = (line: string) =>
    process.stdout.write(`[${((Date.now() - started) / 1_000).toFixed(1).padStart(6)}s] ${line}\n`);
  process.stdout.write(`soak options:\n${formatOptions(options)}\n`);
  process.stdout.write(
    `fault schedule (seed ${options.seed}):\n${formatSchedule(generateSchedule(options)).join('\n')}\n`,
  );
  if (options.dryRun) return;
  for (const entry of Object.values(ENTRY_POINTS)) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build the relay first (npm run build)`);
  }
  const soak = createSoak(options, print);
  // A Ctrl-C or SIGTERM of the soak stops its PostgreSQL and processes before it exits.
  const interrupt = (signal: NodeJS.Signals) => {
    print(`${signal}: stopping everything the soak started`);
    void soak.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const { summary, logs } = await soak.run();
  process.stdout.write(`\ninvariants:\n${formatInvariants(summary.invariants).join('\n')}\n\n`);
  process.stdout.write(`${formatSummary(summary).join('\n')}\n`);
  const path = await writeResults(options.resultsDir, summary, logs);
  process.stdout.write(`results: ${path}\n`);
  // Exit now: keep-alive sockets of the poll driver would otherwise hold the process a few seconds.
  process.exit(summary.passed ? 0 : 1);
}

runMain('soak', main);
