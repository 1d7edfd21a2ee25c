/**
 * The table printed at the end of a run: each figure, its baseline measured in the same
 * run, the ratio (or difference) between them, and the target it is held to.
 */
import type { BenchFigures } from '../bench.js';
import { round } from '../stats.js';

export interface TableRow {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
}

const fmt = (value: number | null | undefined, unit: string) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : `${round(value).toLocaleString('en')} ${unit}`;
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null || !Number.isFinite(a / b) ? '—' : `${(a / b).toFixed(2)}×`;
const plusMs = (a: number, b: number) => `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(2)} ms`;

export function buildTable(f: BenchFigures): TableRow[] {
  const rawGw = f.limits.rawGraphile.jobsPerSecond;
  const rawUndici = f.limits.rawUndici.requestsPerSecond;
  const slower = Math.min(rawGw, rawUndici);
  const slowerName = rawGw <= rawUndici ? 'raw graphile-worker' : 'raw undici';
  const rawLat = f.limits.rawGraphileLatency;
  const rest = f.latencyAtRest;
  const first = f.scale[0];
  const rows: TableRow[] = [
    { figure: 'raw graphile-worker no-op jobs', value: fmt(rawGw, 'jobs/s'), baseline: '', ratio: '', target: 'limit' },
    { figure: 'raw undici POSTs', value: fmt(rawUndici, 'req/s'), baseline: '', ratio: '', target: 'limit' },
    ...f.limits.pollTransaction.map((p) => ({
      figure: `poll transaction alone, BATCH_SIZE ${p.batchSize}`,
      value: fmt(p.rowsPerSecond, 'rows/s'),
      baseline: '',
      ratio: '',
      target: 'limit',
    })),
    {
      figure: 'end to end, one endpoint',
      value: fmt(f.endToEndOne.eventsPerSecond, 'events/s'),
      baseline: `${fmt(slower, '/s')} (${slowerName})`,
      ratio: ratio(f.endToEndOne.eventsPerSecond, slower),
      target: '≥ 0.5× (aim 0.8×)',
    },
    {
      figure: 'end to end, two endpoints',
      value: fmt(f.endToEndTwo.eventsPerSecond, 'events/s'),
      baseline: `${fmt(slower, '/s')} (${slowerName})`,
      ratio: ratio(f.endToEndTwo.eventsPerSecond, slower),
      target: '',
    },
    {
      figure: 'end to end latency p50 / p95 / p99 (poll → receipt)',
      value: `${fmt(f.endToEndOne.latency.p50, '')}/ ${fmt(f.endToEndOne.latency.p95, '')}/ ${fmt(f.endToEndOne.latency.p99, 'ms')}`,
      baseline: '',
      ratio: '',
      target: 'under load',
    },
    {
      figure: 'dispatch latency at rest p50',
      value: fmt(rest.p50, 'ms'),
      baseline: `${fmt(rawLat.p50, 'ms')} (raw graphile-worker)`,
      ratio: plusMs(rest.p50, rawLat.p50),
      target: '≤ +10 ms',
    },
    {
      figure: 'dispatch latency at rest p99',
      value: fmt(rest.p99, 'ms'),
      baseline: `${fmt(rawLat.p99, 'ms')} (raw graphile-worker)`,
      ratio: plusMs(rest.p99, rawLat.p99),
      target: '< 50 ms',
    },
    ...f.scale.map((point) => ({
      figure: `idle poll, ${point.rows.toLocaleString('en')} relayed rows (p50)`,
      value: fmt(point.pollMs, 'ms'),
      baseline: first ? `${fmt(first.pollMs, 'ms')} (10k)` : '',
      ratio: ratio(point.pollMs, first?.pollMs),
      target: '≤ 1.2×',
    })),
    {
      figure: 'healthy endpoint while the other fails',
      value: fmt(f.failingEndpoint.endpoints[0]?.eventsPerSecond, 'events/s'),
      baseline: `${fmt(f.endToEndTwo.endpoints[0]?.eventsPerSecond, 'events/s')} (both healthy)`,
      ratio: ratio(f.failingEndpoint.endpoints[0]?.eventsPerSecond, f.endToEndTwo.endpoints[0]?.eventsPerSecond),
      target: '≥ 0.9×',
    },
  ];
  return rows;
}

/** Fixed-width text, one row per line, for stdout. */
export function formatTable(rows: readonly TableRow[]): string {
  const header: TableRow = { figure: 'figure', value: 'value', baseline: 'baseline', ratio: 'ratio', target: 'target' };
  const all = [header, ...rows];
  const keys = ['figure', 'value', 'baseline', 'ratio', 'target'] as const;
  const widths = keys.map((key) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: TableRow) =>
    keys
      .map((key, i) => row[key].padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
