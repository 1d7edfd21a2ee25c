import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Invariant } from './checks/invariant.js';
import { formatDuration } from './duration.js';
import { FAULT_FAMILIES, type SoakOptions } from './options.js';
import type { PollStats } from './poll-driver.js';
import type { WriterStats } from './writers.js';

export interface SoakSummary {
  passed: boolean;
  seed: number;
  options: Omit<SoakOptions, 'faults' | 'resultsDir' | 'dryRun'> & { faultsOff: string[] };
  startedAt: string;
  injectionMs: number;
  drained: boolean;
  drainMs: number;
  sourceRows: number;
  events: number;
  faultsScheduled: Record<string, number>;
  faultsInjected: Record<string, number>;
  processRestarts: number;
  duplicates: number;
  deadLettersRequeued: number;
  requeueRoutes: string[];
  writers: WriterStats;
  polls: PollStats;
  endpointAnswers: Record<string, number>[];
  invariants: Invariant[];
  schedule: string[];
}

export function optionsForSummary(options: SoakOptions): SoakSummary['options'] {
  const { faults, resultsDir: _dir, dryRun: _dry, ...rest } = options;
  return { ...rest, faultsOff: FAULT_FAMILIES.filter((f) => !faults.has(f)) };
}

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/** The few lines a reader wants at the end of a run. */
export function formatSummary(s: SoakSummary): string[] {
  return [
    `result: ${s.passed ? 'PASS' : 'FAIL'} (seed ${s.seed})`,
    `events: ${s.events} from ${s.sourceRows} committed source rows (${s.writers.rolledBackRows} rows rolled back, ${s.writers.longTransactions} long transactions, ${s.writers.errors} failed transactions)`,
    `faults injected: ${counts(s.faultsInjected)}; ${s.processRestarts} process restarts`,
    `polls: ${s.polls.polls} (${s.polls.busy} busy, ${s.polls.unavailable} answered 503, ${s.polls.unreachable} unreachable)`,
    `endpoint answers: ${s.endpointAnswers.map((a, i) => `#${i} {${counts(a)}}`).join(' ')}`,
    `duplicates: ${s.duplicates}; dead letters requeued: ${s.deadLettersRequeued} (${s.requeueRoutes.join(', ') || 'none needed'})`,
    `injection ${formatDuration(s.injectionMs)}, drain ${s.drained ? formatDuration(s.drainMs) : `NOT DONE after ${formatDuration(s.drainMs)}`}`,
  ];
}

/** Writes the summary as JSON (and each process's output beside it); returns the JSON path. */
export async function writeResults(
  dir: string,
  summary: SoakSummary,
  logs: readonly { name: string; output: string }[],
): Promise<string> {
  const stamp = summary.startedAt.replace(/[:.]/g, '-');
  const base = `soak-seed${summary.seed}-${stamp}`;
  await mkdir(join(dir, `${base}-logs`), { recursive: true });
  for (const log of logs) await writeFile(join(dir, `${base}-logs`, `${log.name}.log`), log.output);
  const path = join(dir, `${base}.json`);
  await writeFile(path, `${JSON.stringify(summary, null, 2)}\n`);
  return path;
}
