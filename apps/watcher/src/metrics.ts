/**
 * The watcher's Prometheus metrics (`GET /metrics`). One registry per app instance, so
 * two watchers built in one process (tests) never share counters. Labels are bounded:
 * `tenant` only takes values from TENANTS, `outcome` is ok, busy or error.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { refreshWatermarkGauges, type WatermarkGauges } from './metrics-watermarks.js';
import type { PollResult } from './poll/result.js';

const OUTCOMES = ['ok', 'busy', 'error'] as const;
type Outcome = (typeof OUTCOMES)[number];

export interface WatcherMetricsDeps {
  pool: pg.Pool;
  /** The allowed tenants; the first is the default of `POST /poll`. */
  tenants: readonly string[];
  now?: () => number;
}

export interface WatcherMetrics {
  registry: Registry;
  /** Records a finished poll (pass as, or call from, `onPollFinished`). */
  pollFinished(result: PollResult): void;
  /** Adds `GET /metrics` and counts failed polls (answers ≥ 500 to `POST /poll`). */
  register(app: FastifyInstance): void;
}

export function createWatcherMetrics(deps: WatcherMetricsDeps): WatcherMetrics {
  const now = deps.now ?? Date.now;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const polls = new Counter({
    name: 'relay_watcher_polls_total',
    help: 'Polls by tenant and outcome: ok, busy (another poll held the tenant), error (answered 5xx).',
    labelNames: ['tenant', 'outcome'] as const,
    registers,
  });
  const pollDuration = new Histogram({
    name: 'relay_watcher_poll_duration_seconds',
    help: 'Duration of POST /poll runs by outcome (start row, transaction, end row).',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const emitted = new Counter({
    name: 'relay_watcher_events_emitted_total',
    help: 'Events inserted into relay.event_outbox (each with its fan-out job), by tenant.',
    labelNames: ['tenant'] as const,
    registers,
  });
  const gauges: WatermarkGauges = {
    lagIds: new Gauge({
      name: 'relay_watcher_watermark_lag_ids',
      help: 'Newest source id minus the watermark (last_seen_id), read at scrape time. Grows while the watermark is held back, even if those rows were emitted.',
      labelNames: ['tenant'] as const,
      registers,
    }),
    heldBackSeconds: new Gauge({
      name: 'relay_watcher_watermark_held_back_seconds',
      help: "How long an open transaction has held the tenant's watermark back, 0 when it is not (read at scrape time).",
      labelNames: ['tenant'] as const,
      registers,
    }),
    lastPollTimestampSeconds: new Gauge({
      name: 'relay_watcher_last_poll_timestamp_seconds',
      help: 'Unix time of the last committed poll of the tenant (read at scrape time).',
      labelNames: ['tenant'] as const,
      registers,
    }),
    databaseUp: new Gauge({
      name: 'relay_database_up',
      help: '1 when the database answered the scrape-time queries in time, else 0.',
      registers,
    }),
  };

  const allowed = new Set(deps.tenants);
  const defaultTenant = deps.tenants[0] ?? 'unknown';
  // Known series start at 0, so rate() and alerts see the first increment.
  for (const tenant of deps.tenants) {
    emitted.inc({ tenant }, 0);
    for (const outcome of OUTCOMES) polls.inc({ tenant, outcome }, 0);
  }

  const record = (tenant: string, outcome: Outcome, seconds: number) => {
    polls.inc({ tenant, outcome });
    pollDuration.observe({ outcome }, seconds);
  };

  return {
    registry,
    pollFinished(result) {
      record(result.tenant, result.busy ? 'busy' : 'ok', result.durationMs / 1000);
      if (result.emitted > 0) emitted.inc({ tenant: result.tenant }, result.emitted);
    },
    register(app) {
      app.addHook('onResponse', async (request, reply) => {
        if (request.method !== 'POST' || request.routeOptions.url !== '/poll' || reply.statusCode < 500) return;
        // A 5xx comes after the tenant was validated, so the label stays within TENANTS.
        const asked = (request.body as { tenant?: unknown } | null | undefined)?.tenant;
        const tenant = typeof asked === 'string' && allowed.has(asked) ? asked : defaultTenant;
        record(tenant, 'error', reply.elapsedTime / 1000);
      });
      app.get('/metrics', async (_request, reply) => {
        await refreshWatermarkGauges(deps.pool, deps.tenants, gauges, now());
        reply.header('content-type', registry.contentType);
        return registry.metrics();
      });
    },
  };
}
