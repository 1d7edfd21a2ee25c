/**
 * The dispatcher's Prometheus metrics (`GET /metrics`). One registry per instance, so two
 * dispatchers built in one process never share counters. Endpoints are labelled by their
 * index in DOWNSTREAM_URLS (`endpoint="0"`); `relay_dispatcher_endpoint_info` maps an index
 * to the endpoint's origin. A URL's path and query (where tokens travel) never become labels.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type BacklogGauges, refreshBacklogGauges } from './metrics-backlog.js';
import type { RunnerObserver } from './runner.js';
import type { DeliveryAttempt, DeliveryObserver } from './tasks/deliver.js';

const OUTCOMES = ['delivered', 'retry', 'failed'] as const;
/** Label of a delivery whose endpoint was removed from DOWNSTREAM_URLS since it was queued. */
const REMOVED_ENDPOINT = 'removed';

export interface DispatcherMetrics {
  registry: Registry;
  deliveryObserver: DeliveryObserver;
  runnerObserver: RunnerObserver;
  /** Adds `GET /metrics` (pass to `buildApp` as `registerRoutes`). */
  registerRoute(app: FastifyInstance): void;
}

export interface DispatcherMetricsDeps {
  pool: pg.Pool;
  endpoints: readonly string[];
  now?: () => number;
}

export function createDispatcherMetrics(deps: DispatcherMetricsDeps): DispatcherMetrics {
  const now = deps.now ?? Date.now;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const deliveries = new Counter({
    name: 'relay_dispatcher_deliveries_total',
    help: 'Delivery attempts by endpoint and outcome: delivered (2xx), retry (will be tried again), failed (dead letter).',
    labelNames: ['endpoint', 'outcome'] as const,
    registers,
  });
  const requestDuration = new Histogram({
    name: 'relay_dispatcher_delivery_request_duration_seconds',
    help: 'Duration of each delivery HTTP request, until the response is read or the attempt fails.',
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const eventAge = new Histogram({
    name: 'relay_dispatcher_event_age_at_delivery_seconds',
    help: 'Time from the watcher observing an event (its observed_at) to its delivery to an endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400],
    registers,
  });
  const endpointInfo = new Gauge({
    name: 'relay_dispatcher_endpoint_info',
    help: 'Always 1: maps the endpoint label (index in DOWNSTREAM_URLS) to the endpoint origin.',
    labelNames: ['endpoint', 'origin'] as const,
    registers,
  });
  const deadWorkersUnlocked = new Counter({
    name: 'relay_dispatcher_dead_workers_unlocked_total',
    help: 'Worker pools whose jobs were unlocked: heartbeat_stale (a dispatcher went silent), pool_stopped (this process replaced its own pool).',
    labelNames: ['reason'] as const,
    registers,
  });
  const poolRestarts = new Counter({
    name: 'relay_dispatcher_worker_pool_restarts_total',
    help: 'Times the graphile-worker pool stopped unexpectedly (e.g. database restart) and was replaced.',
    registers,
  });
  const backlog: BacklogGauges = {
    undelivered: new Gauge({
      name: 'relay_outbox_undelivered_events',
      help: 'Events in relay.event_outbox not yet delivered to every endpoint (read at scrape time).',
      labelNames: ['tenant'] as const,
      registers,
    }),
    oldestAgeSeconds: new Gauge({
      name: 'relay_outbox_oldest_undelivered_age_seconds',
      help: 'Age of the oldest undelivered event, 0 when none (read at scrape time).',
      labelNames: ['tenant'] as const,
      registers,
    }),
    databaseUp: new Gauge({
      name: 'relay_database_up',
      help: '1 when the database answered the scrape-time queries in time, else 0.',
      registers,
    }),
  };

  const labelOf = new Map(deps.endpoints.map((url, index) => [url, String(index)]));
  for (const [index, url] of deps.endpoints.entries()) {
    endpointInfo.set({ endpoint: String(index), origin: originOf(url) }, 1);
    // Known series start at 0, so rate() and alerts see the first increment.
    for (const outcome of OUTCOMES) deliveries.inc({ endpoint: String(index), outcome }, 0);
  }
  for (const reason of ['heartbeat_stale', 'pool_stopped'] as const) deadWorkersUnlocked.inc({ reason }, 0);

  const deliveryObserver = (attempt: DeliveryAttempt) => {
    const endpoint = labelOf.get(attempt.endpointUrl) ?? REMOVED_ENDPOINT;
    deliveries.inc({ endpoint, outcome: attempt.outcome });
    if (attempt.requestSeconds !== null) requestDuration.observe({ endpoint }, attempt.requestSeconds);
    if (attempt.outcome === 'delivered' && attempt.payload !== null) {
      const observedAt = observedAtOf(attempt.payload);
      if (observedAt !== undefined) eventAge.observe({ endpoint }, Math.max(0, (now() - observedAt) / 1000));
    }
  };

  return {
    registry,
    deliveryObserver,
    runnerObserver: {
      workersUnlocked: (count, reason) => deadWorkersUnlocked.inc({ reason }, count),
      poolRestarted: () => poolRestarts.inc(),
    },
    registerRoute(app) {
      app.get('/metrics', async (_request, reply) => {
        await refreshBacklogGauges(deps.pool, backlog, now());
        reply.header('content-type', registry.contentType);
        return registry.metrics();
      });
    },
  };
}

/** Scheme, host and port only: no credentials, path or query. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}

/** The payload's `observed_at` in ms, if it has a valid one. */
function observedAtOf(payload: string): number | undefined {
  try {
    const value = (JSON.parse(payload) as { observed_at?: unknown }).observed_at;
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}
