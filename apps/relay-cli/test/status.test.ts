import { createContactMessagesTable, createPool, insertContactMessages } from '@relay/db';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runRelay } from './run-relay.js';

let db: TestDatabase;
let pool: pg.Pool;
let writer: pg.Client;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test' });
  await createContactMessagesTable(pool, 'hoamx_com');
  await insertContactMessages(pool, 'hoamx_com', 7);
  // An application transaction that took id 8 and stays open: it holds the watermark back.
  writer = new pg.Client({ connectionString: db.url, application_name: 'slow-app' });
  await writer.connect();
  await writer.query('begin');
  await writer.query(`insert into hoamx_com.contact_messages (name) values ('late')`);
  await pool.query(`
    insert into relay.watcher_state (tenant, last_seen_id, pending_max_id, pending_xmax, pending_since)
    values ('hoamx_com', 5, 7, pg_current_xact_id()::text::bigint, now() - interval '30 seconds')`);
  await pool.query(`
    insert into relay.event_outbox (event_id, event_type, tenant, contact_message_id, payload, created_at)
    values ('contact.created:hoamx_com:6', 'contact.created', 'hoamx_com', 6, '{}', now() - interval '2 hours'),
           ('contact.created:hoamx_com:7', 'contact.created', 'hoamx_com', 7, '{}', now())`);
  await pool.query(`
    insert into relay.event_deliveries (event_id, endpoint_url, status, attempts, last_status_code, last_error)
    values ('contact.created:hoamx_com:6', 'http://a.example/in?token=s3cret', 'failed', 1, 400, 'HTTP 400'),
           ('contact.created:hoamx_com:6', 'http://b.example/in', 'delivered', 1, 200, null),
           ('contact.created:hoamx_com:7', 'http://a.example/in?token=s3cret', 'pending', 0, null, null)`);
  await pool.query(`
    insert into relay.dispatcher_heartbeats (worker_id, hostname, pid, last_heartbeat_at)
    values ('worker-abc', 'host-1', 42, now() - interval '3 seconds')`);
});

afterAll(async () => {
  await writer?.query('rollback').catch(() => undefined);
  await writer?.end();
  await pool?.end();
  await db?.drop();
});

it('status --json shows a held-back watermark, the failed delivery and the old undelivered event', async () => {
  const result = await runRelay(['status', '--json'], { DATABASE_URL: db.url });
  expect(result.code, result.stderr).toBe(0);
  const status = JSON.parse(result.stdout);

  const [tenant] = status.tenants;
  expect(tenant).toMatchObject({ tenant: 'hoamx_com', last_seen_id: 5, newest_source_id: 7, lag: 2, undelivered: 2 });
  expect(tenant.held_back.since_ms).toBeGreaterThanOrEqual(30_000);
  expect(tenant.held_back.oldest_xact_age_ms).toBeGreaterThan(0);
  expect(tenant.oldest_undelivered_age_ms).toBeGreaterThanOrEqual(2 * 3600_000);

  expect(status.endpoints).toEqual([
    { endpoint: 'http://a.example/in?token=***', pending: 1, delivered: 0, failed: 1 },
    { endpoint: 'http://b.example/in', pending: 0, delivered: 1, failed: 0 },
  ]);
  expect(status.dispatchers).toEqual([expect.objectContaining({ worker_id: 'worker-abc', host: 'host-1:42' })]);
  expect(result.stdout).not.toContain('s3cret');
});

it('status prints tables for people', async () => {
  const result = await runRelay(['status'], { DATABASE_URL: db.url });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toMatch(/Tenants\ntenant +watermark +newest +lag +held back/);
  expect(result.stdout).toMatch(/hoamx_com +5 +7 +2 +yes, \d+\.\ds/);
  expect(result.stdout).toContain('Deliveries by endpoint');
  expect(result.stdout).toContain('worker-abc');
});
