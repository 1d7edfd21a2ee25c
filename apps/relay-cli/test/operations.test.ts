/**
 * The operator's day with a real dispatcher and a real receiver: dead letters requeued,
 * an event replayed, orphaned work found and fixed.
 */
import { createContactMessagesTable, createPool, insertContactMessages } from '@relay/db';
import {
  deliveries,
  jobs,
  killLeftoverProcesses,
  outboxDeliveredAt,
  type Receiver,
  type StartedDispatcher,
  seedEvents,
  startDispatcher,
  startReceiver,
  testEnv,
  waitFor,
  waitForDeliveries,
} from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runRelay } from './run-relay.js';

let db: TestDatabase;
let pool: pg.Pool;
let receiver: Receiver;
let dispatcher: StartedDispatcher;
let endpoint: string;
let eventIds: string[];

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test' });
  receiver = await startReceiver({ status: 400 });
  endpoint = `${receiver.url}/events`;
  dispatcher = await startDispatcher(testEnv(db.url, [endpoint]));
  await createContactMessagesTable(pool, 'hoamx_com');
  const ids = await insertContactMessages(pool, 'hoamx_com', 3);
  await pool.query(`insert into relay.watcher_state (tenant, last_seen_id) values ('hoamx_com', $1)`, [ids.at(-1)]);
  eventIds = await seedEvents(pool, ids);
});

afterAll(async () => {
  dispatcher?.proc.kill('SIGTERM');
  await dispatcher?.proc.waitForExit({ timeoutMs: 15_000 }).catch(() => undefined);
  await killLeftoverProcesses();
  await receiver?.close();
  await pool?.end();
  await db?.drop();
});

const env = () => ({ DATABASE_URL: db.url, DELIVERY_MAX_ATTEMPTS: '5' });
const requestsFor = (eventId: string) =>
  receiver.requests.filter((r) => JSON.parse(r.body).event_id === eventId).length;

it('a receiver answering 400 leaves failed deliveries; requeue --dry-run changes nothing', async () => {
  await waitForDeliveries(pool, 3, 'failed');
  const deliveriesBefore = await deliveries(pool);
  const jobsBefore = await jobs(pool);
  expect(jobsBefore.filter((j) => j.attempts === j.max_attempts)).toHaveLength(3);

  const dry = await runRelay(['requeue', '--failed', '--dry-run', '--json'], env());
  expect(dry.code, dry.stderr).toBe(0);
  expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, requeued: 0, matched: 3 });
  expect(await deliveries(pool)).toEqual(deliveriesBefore);
  expect(await jobs(pool)).toEqual(jobsBefore);
});

it('once the receiver answers 200, requeue --failed delivers them all and says so in agent_log', async () => {
  receiver.respondWith({ status: 200 });
  const result = await runRelay(['requeue', '--failed'], env());
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('requeued 3 failed deliveries');

  await waitForDeliveries(pool, 3, 'delivered');
  for (const eventId of eventIds) expect(await outboxDeliveredAt(pool, eventId)).not.toBeNull();
  // The dead letters were revived in place, not copied: no job is left behind.
  await waitFor(async () => (await jobs(pool)).length === 0, { what: 'the revived jobs to complete' });
  const { rows } = await pool.query(`select detail from relay.agent_log where detail->>'command' = 'requeue'`);
  expect(rows).toHaveLength(1);
  expect(rows[0].detail).toMatchObject({ requeued: 3, argv: ['requeue', '--failed'] });
});

it('replay --event-id makes the receiver get that event again', async () => {
  const eventId = eventIds[0] ?? '';
  const before = requestsFor(eventId);
  const otherBefore = requestsFor(eventIds[1] ?? '');
  const result = await runRelay(['replay', '--event-id', eventId], env());
  expect(result.code, result.stderr).toBe(0);
  await waitFor(() => requestsFor(eventId) === before + 1, { what: `${eventId} delivered again` });
  await waitFor(async () => (await outboxDeliveredAt(pool, eventId)) !== null, { what: 'the event delivered again' });
  expect(requestsFor(eventIds[1] ?? '')).toBe(otherBefore);

  const unknown = await runRelay(['replay', '--event-id', 'contact.created:hoamx_com:999999'], env());
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no delivery of contact.created:hoamx_com:999999');
});

it('reconcile finds a deleted outbox row and a pending delivery without a job; --fix repairs the latter', async () => {
  const [lost, orphan] = eventIds;
  // A source row whose event vanished, and a delivery put back to pending with its job gone.
  await pool.query('delete from relay.event_outbox where event_id = $1', [lost]);
  await pool.query(`update relay.event_deliveries set status = 'pending', delivered_at = null where event_id = $1`, [
    orphan,
  ]);
  await pool.query('update relay.event_outbox set delivered_at = null where event_id = $1', [orphan]);
  const lostId = Number(lost?.split(':').at(-1));

  const found = await runRelay(['reconcile', '--json'], env());
  expect(found.code).toBe(1);
  const report = JSON.parse(found.stdout);
  expect(report.tenants).toEqual([
    { tenant: 'hoamx_com', checked_through: expect.any(Number), unemitted_count: 1, unemitted_ids: [lostId] },
  ]);
  expect(report.orphaned_deliveries).toEqual([{ event_id: orphan, endpoint: endpoint }]);

  const before = requestsFor(orphan ?? '');
  const fixed = await runRelay(['reconcile', '--fix'], env());
  expect(fixed.stdout).toContain('1 pending deliveries and 0 events have no job: re-enqueued');
  await waitFor(() => requestsFor(orphan ?? '') === before + 1, { what: 'the orphaned delivery sent' });
  await waitFor(async () => (await deliveries(pool, orphan)).every((d) => d.status === 'delivered'), {
    what: 'the orphaned delivery marked delivered',
  });
  // The lost source row is still reported: reconcile does not invent events.
  expect(fixed.code).toBe(1);
});
