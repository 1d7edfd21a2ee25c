import { createPool } from '@relay/db';
import {
  deliveries,
  jobs,
  killLeftoverProcesses,
  outboxDeliveredAt,
  type Receiver,
  seedEvents,
  startDispatcher,
  startReceiver,
  testEnv,
  waitForDeliveries,
} from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const SECRET = `whsec_${Buffer.from('a-test-signing-secret-of-32-bytes').toString('base64')}`;

let db: TestDatabase;
let pool: pg.Pool;
let a: Receiver;
let b: Receiver;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test', max: 3 });
});

afterEach(async () => {
  await killLeftoverProcesses();
  await a?.close();
  await b?.close();
  await pool.query('truncate relay.event_outbox cascade; delete from graphile_worker._private_jobs');
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe('dispatcher delivery', () => {
  it('delivers every event to both endpoints with signed Standard Webhooks headers and records it', async () => {
    a = await startReceiver();
    b = await startReceiver();
    const endpointB = `${b.url}/hooks?token=secret-token`;
    const dispatcher = await startDispatcher(
      testEnv(db.url, [`${a.url}/events`, endpointB], {
        DOWNSTREAM_AUTH_HEADER: 'x-agent-key',
        DOWNSTREAM_AUTH_VALUE: 'downstream-key',
        DOWNSTREAM_SIGNING_SECRET: SECRET,
      }),
    );
    const eventIds = await seedEvents(pool, [1, 2, 3]);

    await waitForDeliveries(pool, 6, 'delivered');
    expect(a.requests).toHaveLength(3);
    expect(b.requests).toHaveLength(3);
    const webhook = new Webhook(SECRET);
    for (const request of [...a.requests, ...b.requests]) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-agent-key']).toBe('downstream-key');
      const body = JSON.parse(request.body) as { event_id: string; event_type: string };
      expect(request.headers['idempotency-key']).toBe(body.event_id);
      expect(body.event_type).toBe('contact.created');
      expect(String(request.headers['webhook-id'])).not.toContain('.');
      // Throws unless the signature matches the body, id and timestamp.
      webhook.verify(request.body, {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      });
    }
    expect(a.requests.map((r) => r.path)).toEqual(['/events', '/events', '/events']);
    expect(b.requests[0]?.path).toBe('/hooks?token=secret-token');
    // The same event has the same webhook-id at both endpoints (and on every retry).
    const idsAtA = new Map(a.requests.map((r) => [JSON.parse(r.body).event_id, r.headers['webhook-id']]));
    for (const r of b.requests) expect(r.headers['webhook-id']).toBe(idsAtA.get(JSON.parse(r.body).event_id));

    for (const eventId of eventIds) {
      const rows = await deliveries(pool, eventId);
      expect(rows.map((row) => [row.status, row.attempts, row.last_status_code])).toEqual([
        ['delivered', 1, 200],
        ['delivered', 1, 200],
      ]);
      expect(rows.every((row) => row.delivered_at !== null)).toBe(true);
      expect(await outboxDeliveredAt(pool, eventId)).not.toBeNull();
    }
    expect(await jobs(pool)).toEqual([]);
    // The endpoint's token never reaches the logs.
    expect(dispatcher.proc.output()).not.toContain('secret-token');
    expect(dispatcher.proc.output()).not.toContain('downstream-key');
  });

  it('retries 500, 500, then 200 and records three attempts', async () => {
    a = await startReceiver((_req, index) => ({ status: index < 2 ? 500 : 200 }));
    await startDispatcher(testEnv(db.url, [a.url]));
    const [eventId] = await seedEvents(pool, [10]);

    const [row] = await waitForDeliveries(pool, 1, 'delivered');
    expect(row).toMatchObject({ event_id: eventId, attempts: 3, last_status_code: 200, last_error: null });
    expect(a.requests).toHaveLength(3);
    expect(new Set(a.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(await outboxDeliveredAt(pool, eventId as string)).not.toBeNull();
  });

  it('waits as long as a 429 Retry-After asks before retrying', async () => {
    a = await startReceiver((_req, index) => (index === 0 ? { status: 429, retryAfter: '1' } : { status: 200 }));
    await startDispatcher(testEnv(db.url, [a.url], { DELIVERY_BACKOFF_MAX_MS: '5000' }));
    await seedEvents(pool, [20]);

    const [row] = await waitForDeliveries(pool, 1, 'delivered');
    expect(row?.attempts).toBe(2);
    const [first, second] = a.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('fails a 400 after one attempt, keeps the job as a permanently failed graphile-worker job, and still delivers to the other endpoint', async () => {
    a = await startReceiver({ status: 400 });
    b = await startReceiver({ status: 200 });
    await startDispatcher(testEnv(db.url, [a.url, b.url]));
    const [eventId] = await seedEvents(pool, [30]);

    await waitForDeliveries(pool, 1, 'failed');
    await waitForDeliveries(pool, 1, 'delivered');
    const rows = await deliveries(pool, eventId);
    const failed = rows.find((row) => row.endpoint_url === a.url);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 400 });
    expect(failed?.last_error).toContain('HTTP 400');
    expect(a.requests).toHaveLength(1);
    expect(await outboxDeliveredAt(pool, eventId as string)).toBeNull();

    const deadLetters = await jobs(pool);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      task_identifier: 'relay_deliver',
      attempts: 5,
      max_attempts: 5,
      locked_by: null,
    });
    expect(deadLetters[0]?.last_error).toContain('HTTP 400');
    expect(deadLetters[0]?.payload.endpoint_url).toBe(a.url);
  });

  it('times out a receiver that never answers, retries, and delivers once it answers', async () => {
    a = await startReceiver((_req, index) => (index === 0 ? { hang: true } : { status: 200 }));
    await startDispatcher(testEnv(db.url, [a.url], { DOWNSTREAM_TIMEOUT_MS: '500' }));
    await seedEvents(pool, [40]);

    const [row] = await waitForDeliveries(pool, 1, 'delivered');
    expect(row?.attempts).toBe(2);
    expect(a.requests).toHaveLength(2);
  });

  it('marks a delivery failed after DELIVERY_MAX_ATTEMPTS retryable failures', async () => {
    a = await startReceiver({ status: 503 });
    await startDispatcher(testEnv(db.url, [a.url], { DELIVERY_MAX_ATTEMPTS: '3' }));
    await seedEvents(pool, [50]);

    const [row] = await waitForDeliveries(pool, 1, 'failed');
    expect(row).toMatchObject({ attempts: 3, last_status_code: 503 });
    expect(a.requests).toHaveLength(3);
    const [job] = await jobs(pool);
    expect(job).toMatchObject({ attempts: 3, max_attempts: 3, locked_by: null });
    expect(job?.last_error).toContain('attempts exhausted');
  });
});
