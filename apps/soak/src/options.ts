import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '@relay/common';
import { parseDuration } from './duration.js';

/** Every fault the soak can inject; each has a `--no-<family>` switch. */
export const FAULT_FAMILIES = [
  'long-tx',
  'rollback',
  'kill',
  'term',
  'pg-restart',
  'http-500',
  'http-429',
  'http-400',
  'hang',
  'slow',
  'reset',
  'huge-body',
] as const;
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

export interface SoakOptions {
  seed: number;
  /** How long faults are injected; the drain comes after. */
  durationMs: number;
  writers: number;
  endpoints: number;
  tenants: number;
  watchers: number;
  dispatchers: number;
  /** Deadline for the system to deliver everything once injection stops. */
  drainTimeoutMs: number;
  /** Fault families switched on. */
  faults: ReadonlySet<FaultFamily>;
  resultsDir: string;
  /** Print options and schedule, then exit without running anything. */
  dryRun: boolean;
}

const DEFAULT_RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

export const USAGE = `usage: npm run soak -- [--seed N] [--duration 60s] [--writers N] [--endpoints N] [--tenants N]
       [--watchers N] [--dispatchers N] [--drain-timeout 120s] [--results-dir DIR] [--dry-run]
       [--no-faults] ${FAULT_FAMILIES.map((f) => `[--no-${f}]`).join(' ')}`;

function intOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`--${name} must be an integer between ${min} and ${max} (got "${value}")`);
  }
  return Number(value);
}

function durationOption(name: string, value: string | undefined, fallback: string, minMs: number): number {
  let ms: number;
  try {
    ms = parseDuration(value ?? fallback);
  } catch (err) {
    throw new ConfigError(`--${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (ms < minMs) throw new ConfigError(`--${name} must be at least ${minMs / 1_000}s (got "${value}")`);
  return ms;
}

/** Parses the soak's command line; a bad option is a `ConfigError` naming it. */
export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const switches = Object.fromEntries(FAULT_FAMILIES.map((f) => [`no-${f}`, { type: 'boolean' as const }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: 'string' },
        duration: { type: 'string' },
        writers: { type: 'string' },
        endpoints: { type: 'string' },
        tenants: { type: 'string' },
        watchers: { type: 'string' },
        dispatchers: { type: 'string' },
        'drain-timeout': { type: 'string' },
        'results-dir': { type: 'string' },
        'dry-run': { type: 'boolean' },
        'no-faults': { type: 'boolean' },
        ...switches,
      },
    });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`${message}\n${USAGE}`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const faults = new Set<FaultFamily>(v['no-faults'] ? [] : FAULT_FAMILIES.filter((f) => !v[`no-${f}`]));
  return Object.freeze({
    seed: intOption('seed', str('seed'), 1, 0, 2 ** 32 - 1),
    durationMs: durationOption('duration', str('duration'), '60s', 5_000),
    writers: intOption('writers', str('writers'), 3, 1, 32),
    endpoints: intOption('endpoints', str('endpoints'), 2, 1, 8),
    tenants: intOption('tenants', str('tenants'), 2, 1, 8),
    watchers: intOption('watchers', str('watchers'), 2, 1, 4),
    dispatchers: intOption('dispatchers', str('dispatchers'), 2, 1, 4),
    drainTimeoutMs: durationOption('drain-timeout', str('drain-timeout'), '120s', 5_000),
    faults,
    resultsDir: str('results-dir') ?? DEFAULT_RESULTS_DIR,
    dryRun: v['dry-run'] === true,
  });
}

/** One line per option, printed at the start so a run can be repeated exactly. */
export function formatOptions(options: SoakOptions): string {
  const off = FAULT_FAMILIES.filter((f) => !options.faults.has(f));
  return [
    `seed=${options.seed} duration=${options.durationMs / 1_000}s writers=${options.writers} endpoints=${options.endpoints} tenants=${options.tenants}`,
    `watchers=${options.watchers} dispatchers=${options.dispatchers} drain-timeout=${options.drainTimeoutMs / 1_000}s`,
    `faults on: ${[...options.faults].join(', ') || 'none'}${off.length ? `; off: ${off.join(', ')}` : ''}`,
  ].join('\n');
}
