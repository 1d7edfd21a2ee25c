/**
 * The headline numbers under the stable keys of issue 8 (the JSON `summary` contract:
 * tools compare runs by these names, so they never change) and the targets they are held to.
 */
import type { BenchFigures } from '../bench.js';
import { round } from '../stats.js';

export interface Summary {
  e2e_events_per_s: number;
  raw_gw_jobs_per_s: number;
  raw_undici_req_per_s: number;
  /** e2e events/s over the slower of the two raw limits. */
  e2e_ratio: number;
  /** Latency at rest, poll answer → receipt. */
  dispatch_p50_ms: number;
  dispatch_p99_ms: number;
  raw_gw_p50_ms: number;
  poll_ms_10k: number;
  /** At 1M relayed rows, or the largest size run. */
  poll_ms_1m: number;
  /** poll_ms_1m / poll_ms_10k. */
  poll_flatness_ratio: number;
  /** Healthy endpoint's events/s with the other failing, over the same with both healthy. */
  failing_endpoint_ratio: number;
}

export const SUMMARY_KEYS = [
  'e2e_events_per_s',
  'raw_gw_jobs_per_s',
  'raw_undici_req_per_s',
  'e2e_ratio',
  'dispatch_p50_ms',
  'dispatch_p99_ms',
  'raw_gw_p50_ms',
  'poll_ms_10k',
  'poll_ms_1m',
  'poll_flatness_ratio',
  'failing_endpoint_ratio',
] as const satisfies readonly (keyof Summary)[];

export function buildSummary(f: BenchFigures): Summary {
  const rawGw = f.limits.rawGraphile.jobsPerSecond;
  const rawUndici = f.limits.rawUndici.requestsPerSecond;
  const smallest = f.scale[0];
  const largest = f.scale.at(-1);
  const healthyWithFailing = f.failingEndpoint.endpoints[0]?.eventsPerSecond ?? Number.NaN;
  const healthyWithHealthy = f.endToEndTwo.endpoints[0]?.eventsPerSecond ?? Number.NaN;
  const summary: Summary = {
    e2e_events_per_s: f.endToEndOne.eventsPerSecond,
    raw_gw_jobs_per_s: rawGw,
    raw_undici_req_per_s: rawUndici,
    e2e_ratio: f.endToEndOne.eventsPerSecond / Math.min(rawGw, rawUndici),
    dispatch_p50_ms: f.latencyAtRest.p50,
    dispatch_p99_ms: f.latencyAtRest.p99,
    raw_gw_p50_ms: f.limits.rawGraphileLatency.p50,
    poll_ms_10k: smallest?.pollMs ?? Number.NaN,
    poll_ms_1m: largest?.pollMs ?? Number.NaN,
    poll_flatness_ratio: (largest?.pollMs ?? Number.NaN) / (smallest?.pollMs ?? Number.NaN),
    failing_endpoint_ratio: healthyWithFailing / healthyWithHealthy,
  };
  return Object.fromEntries(SUMMARY_KEYS.map((key) => [key, round(summary[key])])) as unknown as Summary;
}
