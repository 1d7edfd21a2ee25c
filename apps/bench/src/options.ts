/**
 * The bench's options: command-line flags, each with an environment fallback. Parsed once
 * in `main.ts`; a bad value stops the run with one line naming the flag.
 */
import { resolve } from 'node:path';
import { ConfigError } from '@relay/common';
import { REPO_ROOT } from '@relay/devkit';

export interface BenchOptions {
  /** Rows of the end-to-end and failing-endpoint runs. */
  events: number;
  /** Rows of the latency-at-rest run (one at a time). */
  latencySamples: number;
  /** Largest relayed history of the scale run: 10k, 100k or 1M rows. */
  scaleMax: number;
  /** graphile-worker concurrency of the dispatcher and of the raw baselines. */
  concurrency: number;
  /** The watcher's BATCH_SIZE in the end-to-end runs. */
  batchSize: number;
  /** LOG_LEVEL of the watcher and dispatcher processes. */
  logLevel: string;
  /** fsync on for the embedded PostgreSQL (off by default: see README). */
  durable: boolean;
  /** Enable pg_stat_statements and keep the top statements of each phase in the JSON. */
  pgStats: boolean;
  resultsDir: string;
  /** Node arguments of the watcher and dispatcher (BENCH_NODE_ARGS only), e.g. `--cpu-prof --cpu-prof-dir=…`. */
  nodeArgs: string[];
}

const SCALE_SIZES = [10_000, 100_000, 1_000_000] as const;

const FLAGS: Record<string, { env: string; key: keyof BenchOptions }> = {
  '--events': { env: 'BENCH_EVENTS', key: 'events' },
  '--latency-samples': { env: 'BENCH_LATENCY_SAMPLES', key: 'latencySamples' },
  '--scale-max': { env: 'BENCH_SCALE_MAX', key: 'scaleMax' },
  '--concurrency': { env: 'BENCH_CONCURRENCY', key: 'concurrency' },
  '--batch-size': { env: 'BENCH_BATCH_SIZE', key: 'batchSize' },
  '--log-level': { env: 'BENCH_LOG_LEVEL', key: 'logLevel' },
  '--durable': { env: 'BENCH_DURABLE', key: 'durable' },
  '--pg-stats': { env: 'BENCH_PG_STATS', key: 'pgStats' },
  '--results-dir': { env: 'BENCH_RESULTS_DIR', key: 'resultsDir' },
};

const USAGE_HINT =
  'options: --events, --latency-samples, --scale-max 10k|100k|1m, --concurrency, --batch-size, --log-level, ' +
  '--durable, --pg-stats, --results-dir; see apps/bench/README.md';

/** Parses `argv` (without node and the script) over `env`. */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const raw: Partial<Record<keyof BenchOptions, string>> = {};
  for (const { env: name, key } of Object.values(FLAGS)) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const spec = FLAGS[flag];
    if (!spec) throw new ConfigError(`unknown option ${arg} (${USAGE_HINT})`);
    if (spec.key === 'durable' || spec.key === 'pgStats') {
      raw[spec.key] = inline ?? 'true';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag}: needs a value`);
    raw[spec.key] = value;
  }

  const events = integer(raw.events, 5_000, 10, 1_000_000, '--events / BENCH_EVENTS');
  return {
    events,
    // 1,000 single rows, fewer when the run is small (a quick run stays quick).
    latencySamples: integer(
      raw.latencySamples,
      Math.min(1_000, Math.max(20, Math.floor(events / 5))),
      5,
      100_000,
      '--latency-samples / BENCH_LATENCY_SAMPLES',
    ),
    scaleMax: scaleSize(raw.scaleMax),
    concurrency: integer(raw.concurrency, 10, 1, 200, '--concurrency / BENCH_CONCURRENCY'),
    batchSize: integer(raw.batchSize, 50, 1, 10_000, '--batch-size / BENCH_BATCH_SIZE'),
    logLevel: raw.logLevel ?? 'warn',
    durable: flag(raw.durable, '--durable / BENCH_DURABLE'),
    pgStats: flag(raw.pgStats, '--pg-stats / BENCH_PG_STATS'),
    resultsDir: resolve(raw.resultsDir ?? resolve(REPO_ROOT, 'bench/results')),
    nodeArgs: (env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter((arg) => arg !== ''),
  };
}

/** The history sizes the scale run measures, up to `max`. */
export function scaleSizes(max: number): number[] {
  return SCALE_SIZES.filter((size) => size <= max);
}

function integer(value: string | undefined, fallback: number, min: number, max: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${name}: must be an integer between ${min} and ${max} (got "${value}")`);
  }
  return parsed;
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  throw new ConfigError(`${name}: must be true or false (got "${value}")`);
}

function scaleSize(value: string | undefined): number {
  if (value === undefined) return 1_000_000;
  const normalized = value.toLowerCase().replace(/_/g, '');
  const parsed = normalized.endsWith('k')
    ? Number(normalized.slice(0, -1)) * 1_000
    : normalized.endsWith('m')
      ? Number(normalized.slice(0, -1)) * 1_000_000
      : Number(normalized);
  if (!SCALE_SIZES.includes(parsed as (typeof SCALE_SIZES)[number])) {
    throw new ConfigError(`--scale-max / BENCH_SCALE_MAX: must be 10k, 100k or 1m (got "${value}")`);
  }
  return parsed;
}
