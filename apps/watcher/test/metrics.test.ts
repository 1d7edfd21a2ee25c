/**
 * `GET /metrics`: valid Prometheus text whose counters follow the polls actually run, and
 * whose gauges follow the watermark as Postgres has it.
 */

import { insertContactMessages } from '@relay/db';
import { type Exposition, freePort, parsePrometheusText, sampleValue, waitFor } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_KEY,
  createTenantTable,
  readWatermark,
  startTestWatcher,
  TENANT,
  type TestWatcher,
  withClient,
} from './support.js';

let db: TestDatabase;
const watchers: TestWatcher[] = [];

async function watcherWith(env: Record<string, string> = {}, pool = {}) {
  const watcher = await startTestWatcher(db.url, { env, pool });
  watchers.push(watcher);
  return watcher;
}

async function scrape(watcher: TestWatcher): Promise<Exposition> {
  const response = await watcher.app.inject({ url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
  return parsePrometheusText(response.body);
}

const polls = (m: Exposition, outcome: string, tenant = TENANT) =>
  sampleValue(m, 'relay_watcher_polls_total', { tenant, outcome });
const emitted = (m: Exposition, tenant = TENANT) => sampleValue(m, 'relay_watcher_events_emitted_total', { tenant });

beforeAll(async () => {
  db = await freshDatabase();
  await createTenantTable(db.url);
});

afterAll(async () => {
  await Promise.all(watchers.map((w) => w.close()));
  await db?.drop();
});

describe('watcher GET /metrics', () => {
  it('counts polls by outcome and events emitted, and reports the watermark lag from the database', async () => {
    const watcher = await watcherWith({ BATCH_SIZE: '5' });
    const ids = await withClient(db.url, (c) => insertContactMessages(c, TENANT, 7));
    const newest = Math.max(...ids);

    const before = await scrape(watcher);
    expect([polls(before, 'ok'), polls(before, 'busy'), polls(before, 'error'), emitted(before)]).toEqual([0, 0, 0, 0]);
    expect(sampleValue(before, 'relay_watcher_watermark_lag_ids', { tenant: TENANT })).toBe(newest);
    expect(sampleValue(before, 'relay_database_up')).toBe(1);

    expect((await watcher.poll()).body.emitted).toBe(5);
    const afterFirst = await scrape(watcher);
    expect([polls(afterFirst, 'ok'), emitted(afterFirst)]).toEqual([1, 5]);
    expect(sampleValue(afterFirst, 'relay_watcher_poll_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(sampleValue(afterFirst, 'relay_watcher_last_poll_timestamp_seconds', { tenant: TENANT })).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );

    expect((await watcher.poll()).body.emitted).toBe(2);
    const afterSecond = await scrape(watcher);
    expect([polls(afterSecond, 'ok'), emitted(afterSecond)]).toEqual([2, 7]);
    expect(sampleValue(afterSecond, 'relay_watcher_watermark_lag_ids', { tenant: TENANT })).toBe(
      newest - (await readWatermark(watcher.pool)),
    );

    // Once the gap-safe watermark has caught up, the lag is 0.
    await waitFor(async () => ((await watcher.poll()).body.last_seen_id ?? 0) >= newest, {
      timeoutMs: 10_000,
      what: 'the watermark to reach the newest id',
    });
    const caughtUp = await scrape(watcher);
    expect(sampleValue(caughtUp, 'relay_watcher_watermark_lag_ids', { tenant: TENANT })).toBe(0);
    expect(sampleValue(caughtUp, 'relay_watcher_watermark_held_back_seconds', { tenant: TENANT })).toBe(0);
    expect(emitted(caughtUp)).toBe(7);
    // Default process metrics are exposed too.
    expect(sampleValue(caughtUp, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts a poll that finds the tenant locked as busy', async () => {
    const watcher = await watcherWith();
    await watcher.poll(); // makes sure the tenant's watcher_state row exists
    const base = await scrape(watcher);
    await withClient(db.url, async (other) => {
      await other.query('begin');
      await other.query('select 1 from relay.watcher_state where tenant = $1 for update', [TENANT]);
      expect((await watcher.poll()).body.busy).toBe(true);
      await other.query('rollback');
    });
    const after = await scrape(watcher);
    expect(polls(after, 'busy') - polls(base, 'busy')).toBe(1);
    expect(polls(after, 'ok')).toBe(polls(base, 'ok'));
    expect(sampleValue(after, 'relay_watcher_poll_duration_seconds_count', { outcome: 'busy' })).toBe(1);
  });

  it('reports how long an open transaction holds the watermark back, and 0 once it ends', async () => {
    const watcher = await watcherWith();
    // A session of the application whose transaction stays open across polls.
    const app = new pg.Client({ connectionString: db.url });
    await app.connect();
    try {
      await app.query('begin');
      await insertContactMessages(app, TENANT, 1);
      await withClient(db.url, (c) => insertContactMessages(c, TENANT, 3));
      await waitFor(async () => (await watcher.poll()).body.held_back !== null, {
        timeoutMs: 15_000,
        intervalMs: 40,
        what: 'a hold-back report',
      });
      const held = await scrape(watcher);
      expect(sampleValue(held, 'relay_watcher_watermark_held_back_seconds', { tenant: TENANT })).toBeGreaterThan(0);
      expect(sampleValue(held, 'relay_watcher_watermark_lag_ids', { tenant: TENANT })).toBeGreaterThan(0);

      await app.query('commit');
      await waitFor(async () => (await watcher.poll()).body.held_back === null, {
        timeoutMs: 15_000,
        intervalMs: 40,
        what: 'the hold-back to end',
      });
      const released = await scrape(watcher);
      expect(sampleValue(released, 'relay_watcher_watermark_held_back_seconds', { tenant: TENANT })).toBe(0);
    } finally {
      await app.end();
    }
  });

  it('counts a poll answered 503 (database unreachable) as an error, and still answers /metrics', async () => {
    const port = await freePort();
    const watcher = await watcherWith({}, { connectionString: `postgres://relay@127.0.0.1:${port}/none` });
    const answer = await watcher.app.inject({
      method: 'POST',
      url: '/poll',
      headers: { 'x-agent-key': AGENT_KEY, 'content-type': 'application/json' },
      payload: JSON.stringify({ tenant: TENANT }),
    });
    expect(answer.statusCode).toBe(503);
    // Rejected requests are not polls: a wrong key changes no counter.
    const unauthorized = await watcher.app.inject({ method: 'POST', url: '/poll', headers: { 'x-agent-key': 'x' } });
    expect(unauthorized.statusCode).toBe(401);

    const metrics = await scrape(watcher);
    expect([polls(metrics, 'error'), polls(metrics, 'ok'), polls(metrics, 'busy')]).toEqual([1, 0, 0]);
    expect(sampleValue(metrics, 'relay_watcher_poll_duration_seconds_count', { outcome: 'error' })).toBe(1);
    expect(sampleValue(metrics, 'relay_database_up')).toBe(0);
    expect(metrics.samples.filter((s) => s.name === 'relay_watcher_watermark_lag_ids')).toEqual([]);
  });

  it('keeps one registry per app: polls of one watcher never show in another built in the same process', async () => {
    const first = await watcherWith();
    const second = await watcherWith();
    const base = polls(await scrape(second), 'ok');
    await first.poll();
    await first.poll();
    expect(polls(await scrape(second), 'ok')).toBe(base);
    expect(polls(await scrape(first), 'ok')).toBe(2);
  });
});
