import { createPool } from '@relay/db';
import {
  type Exposition,
  freePort,
  killLeftoverProcesses,
  parsePrometheusText,
  type Receiver,
  sampleValue,
  seedEvents,
  startDispatcher,
  startReceiver,
  testEnv,
  waitFor,
  waitForDeliveries,
} from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createDispatcherMetrics } from '../src/metrics.js';

let db: TestDatabase;
let pool: pg.Pool;
const receivers: Receiver[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test', max: 3 });
});

afterEach(async () => {
  await killLeftoverProcesses();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function scrape(url: string): Promise<{ text: string; metrics: Exposition; contentType: string | null }> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, metrics: parsePrometheusText(text), contentType: response.headers.get('content-type') };
}

describe('dispatcher GET /metrics', () => {
  it('counts delivered, retried and failed attempts per endpoint, times them, and reports the backlog', async () => {
    const ok = await startReceiver((_req, index) => ({ status: index === 0 ? 500 : 200 }));
    const rejecting = await startReceiver({ status: 400 });
    receivers.push(ok, rejecting);
    const rejectingUrl = `${rejecting.url}/hooks/secret-path?token=secret-token`;
    const dispatcher = await startDispatcher(testEnv(db.url, [`${ok.url}/events`, rejectingUrl]));

    const before = await scrape(dispatcher.url);
    expect(before.contentType).toContain('text/plain; version=0.0.4');
    for (const endpoint of ['0', '1'])
      for (const outcome of ['delivered', 'retry', 'failed'])
        expect(sampleValue(before.metrics, 'relay_dispatcher_deliveries_total', { endpoint, outcome })).toBe(0);

    await seedEvents(pool, [1]);
    await waitForDeliveries(pool, 1, 'delivered');
    await waitForDeliveries(pool, 1, 'failed');

    const { text, metrics } = await scrape(dispatcher.url);
    const deliveries = (endpoint: string, outcome: string) =>
      sampleValue(metrics, 'relay_dispatcher_deliveries_total', { endpoint, outcome });
    expect([deliveries('0', 'retry'), deliveries('0', 'delivered'), deliveries('0', 'failed')]).toEqual([1, 1, 0]);
    expect([deliveries('1', 'retry'), deliveries('1', 'delivered'), deliveries('1', 'failed')]).toEqual([0, 0, 1]);
    expect(sampleValue(metrics, 'relay_dispatcher_delivery_request_duration_seconds_count', { endpoint: '0' })).toBe(2);
    expect(sampleValue(metrics, 'relay_dispatcher_delivery_request_duration_seconds_count', { endpoint: '1' })).toBe(1);
    expect(sampleValue(metrics, 'relay_dispatcher_event_age_at_delivery_seconds_count', { endpoint: '0' })).toBe(1);
    expect(
      sampleValue(metrics, 'relay_dispatcher_event_age_at_delivery_seconds_sum', { endpoint: '0' }),
    ).toBeGreaterThan(0);

    // The event still owes endpoint 1 its delivery (a dead letter): it is the backlog.
    expect(sampleValue(metrics, 'relay_outbox_undelivered_events', { tenant: 'hoamx_com' })).toBe(1);
    expect(
      sampleValue(metrics, 'relay_outbox_oldest_undelivered_age_seconds', { tenant: 'hoamx_com' }),
    ).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'relay_database_up')).toBe(1);

    // Endpoints are known by index and origin only: no path, query or token in any label.
    expect(sampleValue(metrics, 'relay_dispatcher_endpoint_info', { endpoint: '1', origin: rejecting.url })).toBe(1);
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('secret-path');
    // Default process metrics are there too.
    expect(sampleValue(metrics, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(metrics.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('counts the unlocking of a dispatcher whose heartbeat went silent', async () => {
    const receiver = await startReceiver({ status: 200 });
    receivers.push(receiver);
    // A dispatcher that died a minute ago holding a job: its heartbeat is stale.
    await pool.query(
      `insert into relay.dispatcher_heartbeats (worker_id, hostname, pid, last_heartbeat_at)
       values ('worker-pool-of-a-dead-dispatcher', 'gone', 1, now() - interval '1 minute')`,
    );
    const dispatcher = await startDispatcher(testEnv(db.url, [receiver.url], { DISPATCHER_STALE_AFTER_MS: '5000' }));

    const unlocked = await waitFor(
      async () => {
        const value = sampleValue(
          (await scrape(dispatcher.url)).metrics,
          'relay_dispatcher_dead_workers_unlocked_total',
          {
            reason: 'heartbeat_stale',
          },
        );
        return value > 0 ? value : undefined;
      },
      { timeoutMs: 15_000, what: 'the dead dispatcher unlocked' },
    );
    expect(unlocked).toBe(1);
    const { rows } = await pool.query(
      `select 1 from relay.dispatcher_heartbeats where worker_id like 'worker-pool-of%'`,
    );
    expect(rows).toEqual([]);
  });

  it('answers while the database is unreachable, with relay_database_up 0 and no stale backlog', async () => {
    // A port nothing listens on: connections are refused at once.
    const unreachable = createPool({
      connectionString: `postgres://relay@127.0.0.1:${await freePort()}/none`,
      applicationName: 'relay-test',
      connectionTimeoutMs: 1_000,
    });
    const metrics = createDispatcherMetrics({ pool: unreachable, endpoints: ['http://127.0.0.1:1/x'] });
    const app = await buildApp({ readiness: async () => ({ ready: true }), registerRoutes: metrics.registerRoute });
    try {
      const response = await app.inject({ url: '/metrics' });
      expect(response.statusCode).toBe(200);
      const parsed = parsePrometheusText(response.body);
      expect(sampleValue(parsed, 'relay_database_up')).toBe(0);
      expect(parsed.samples.filter((s) => s.name === 'relay_outbox_undelivered_events')).toEqual([]);
    } finally {
      await app.close();
      await unreachable.end();
    }
  });
});

describe('the test parser of the Prometheus text format', () => {
  it('rejects samples without HELP/TYPE, malformed lines and non-cumulative histograms', () => {
    expect(() => parsePrometheusText('x_total 1\n')).toThrow(/TYPE/);
    expect(() => parsePrometheusText('# TYPE x_total counter\nx_total 1\n')).toThrow(/HELP/);
    expect(() => parsePrometheusText('# HELP x a\n# TYPE x gauge\nx{a="1} 1\n')).toThrow(/malformed/);
    expect(() => parsePrometheusText('# HELP x a\n# TYPE x gauge\nx one\n')).toThrow(/malformed value/);
    expect(() => parsePrometheusText('# HELP x a\n# TYPE x gauge\nx 1 2 3\n')).toThrow(/malformed/);
    expect(() =>
      parsePrometheusText(
        '# HELP h a\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      ),
    ).toThrow(/cumulative/);
    const ok = parsePrometheusText('# HELP x a\n# TYPE x gauge\nx{a="q\\"uote"} 1.5e3\n');
    expect(sampleValue(ok, 'x', { a: 'q"uote' })).toBe(1500);
  });
});
