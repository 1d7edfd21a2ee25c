/**
 * Writes the run's JSON to `bench/results/<timestamp>.json` and `latest.json`: machine
 * info, options, the summary (stable keys), the table and every detailed figure.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchFigures } from '../bench.js';
import type { BenchOptions } from '../options.js';
import type { Summary } from './summary.js';
import type { TableRow } from './table.js';

export interface BenchResults {
  started_at: string;
  finished_at: string;
  duration_s: number;
  machine: {
    cores: number;
    cpu_model: string;
    memory_gb: number;
    load_average_at_start: number[];
    node: string;
    postgres: string;
    platform: string;
  };
  options: Omit<BenchOptions, 'resultsDir'>;
  summary: Summary;
  table: TableRow[];
  figures: BenchFigures;
}

export function machineInfo(postgres: string, loadAtStart: number[]): BenchResults['machine'] {
  return {
    cores: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
    load_average_at_start: loadAtStart.map((n) => Math.round(n * 100) / 100),
    node: process.version,
    postgres,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Returns the path of the timestamped file. */
export async function writeResults(dir: string, results: BenchResults): Promise<string> {
  await mkdir(dir, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const path = join(dir, `${results.started_at.replace(/[:.]/g, '-')}.json`);
  await writeFile(path, text);
  await writeFile(join(dir, 'latest.json'), text);
  return path;
}
