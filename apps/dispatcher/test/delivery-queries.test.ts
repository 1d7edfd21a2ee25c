import { createPool, DELIVER_TASK } from '@relay/db';
import { insertDeliveriesWithJobs } from '@relay/db/queries/insert-deliveries-with-jobs';
import { markDeliveryDelivered } from '@relay/db/queries/mark-delivery-delivered';
import { seedEvents, waitFor } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const A = 'http://127.0.0.1:1/a';
const B = 'http://127.0.0.1:1/b';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test', max: 4 });
});

afterEach(async () => {
  await pool.query('truncate relay.event_outbox cascade; delete from graphile_worker._private_jobs');
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function seedDeliveries(id: number, endpoints: string[]): Promise<string> {
  const [eventId] = await seedEvents(pool, [id]);
  await pool.query(
    'insert into relay.event_deliveries (event_id, endpoint_url) select $1::text, url from unnest($2::text[]) as url',
    [eventId, endpoints],
  );
  return eventId as string;
}

async function outboxDeliveredAt(eventId: string): Promise<Date | null> {
  const { rows } = await pool.query<{ delivered_at: Date | null }>(
    'select delivered_at from relay.event_outbox where event_id = $1',
    [eventId],
  );
  return rows[0]?.delivered_at ?? null;
}

describe('markDeliveryDelivered', () => {
  it('marks the event delivered when the second of two endpoints finishes while the first is still committing', async () => {
    const eventId = await seedDeliveries(1, [A, B]);
    const first = await pool.connect();
    const second = await pool.connect();
    try {
      // The first endpoint's call runs inside an open transaction, so it holds the
      // outbox row lock and its delivery update is not committed yet.
      await first.query('begin');
      expect(await markDeliveryDelivered(first, eventId, A, 200)).toEqual({ updated: true, eventDelivered: false });
      const { rows } = await second.query<{ pid: number }>('select pg_backend_pid() as pid');
      const secondPid = rows[0]?.pid;
      const finishing = markDeliveryDelivered(second, eventId, B, 200);
      await waitFor(
        async () => {
          const waiting = await pool.query(
            `select 1 from pg_stat_activity where pid = $1 and wait_event_type = 'Lock'`,
            [secondPid],
          );
          return waiting.rowCount === 1;
        },
        { timeoutMs: 10_000, what: 'the second call to wait for the outbox row lock' },
      );
      await first.query('commit');
      // Its "every endpoint delivered?" check ran after the lock, so it saw A's commit.
      expect(await finishing).toEqual({ updated: true, eventDelivered: true });
    } finally {
      first.release();
      second.release();
    }
    expect(await outboxDeliveredAt(eventId)).not.toBeNull();
  });

  it('changes nothing when the delivery was already delivered (a duplicate run)', async () => {
    const eventId = await seedDeliveries(2, [A]);
    expect(await markDeliveryDelivered(pool, eventId, A, 200)).toEqual({ updated: true, eventDelivered: true });
    expect(await markDeliveryDelivered(pool, eventId, A, 204)).toEqual({ updated: false, eventDelivered: false });
    const { rows } = await pool.query('select attempts, last_status_code from relay.event_deliveries');
    expect(rows).toEqual([{ attempts: 1, last_status_code: 200 }]);
  });

  it('refuses to run under REPEATABLE READ, where its check could miss a concurrent delivery', async () => {
    const eventId = await seedDeliveries(3, [A]);
    const client = await pool.connect();
    try {
      await client.query('begin isolation level repeatable read');
      await expect(markDeliveryDelivered(client, eventId, A, 200)).rejects.toThrow(/READ COMMITTED/);
      await client.query('rollback');
    } finally {
      client.release();
    }
    expect(await outboxDeliveredAt(eventId)).toBeNull();
  });
});

async function deliveryJobs(): Promise<{ key: string; payload: unknown; max_attempts: number }[]> {
  const { rows } = await pool.query<{ key: string; payload: unknown; max_attempts: number }>(
    `select j.key, j.payload, j.max_attempts
       from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = $1 order by j.key`,
    [DELIVER_TASK],
  );
  return rows;
}

describe('insertDeliveriesWithJobs', () => {
  const fanOut = (eventId: string, endpointUrls: string[]) =>
    insertDeliveriesWithJobs(pool, { taskIdentifier: DELIVER_TASK, eventId, endpointUrls, maxAttempts: 7 });

  it('creates one delivery row and one keyed delivery job per endpoint, ahead of fan-out jobs', async () => {
    const [eventId] = (await seedEvents(pool, [10])) as [string];
    expect(await fanOut(eventId, [A, B])).toBe(2);
    const { rows } = await pool.query('select endpoint_url, status from relay.event_deliveries order by 1');
    expect(rows).toEqual([
      { endpoint_url: A, status: 'pending' },
      { endpoint_url: B, status: 'pending' },
    ]);
    expect(await deliveryJobs()).toEqual([
      { key: `relay_deliver:${eventId}:${A}`, payload: { event_id: eventId, endpoint_url: A }, max_attempts: 7 },
      { key: `relay_deliver:${eventId}:${B}`, payload: { event_id: eventId, endpoint_url: B }, max_attempts: 7 },
    ]);
    // graphile-worker runs the lowest priority first: deliveries before the burst's fan-outs.
    const { rows: priorities } = await pool.query(
      `select t.identifier, j.priority from graphile_worker._private_jobs j
         join graphile_worker._private_tasks t on t.id = j.task_id group by 1, 2 order by 2`,
    );
    expect(priorities).toEqual([
      { identifier: DELIVER_TASK, priority: -1 },
      { identifier: 'relay_fan_out', priority: 0 },
    ]);
  });

  it('enqueues nothing for delivery rows that already existed, so a second fan-out run cannot duplicate a job', async () => {
    const [eventId] = (await seedEvents(pool, [11])) as [string];
    expect(await fanOut(eventId, [A])).toBe(1);
    // A delivery job that is running (locked) would get a second job beside it if re-added.
    await pool.query(
      `update graphile_worker._private_jobs set locked_at = now(), locked_by = 'test' where key like 'relay_deliver:%'`,
    );
    expect(await fanOut(eventId, [A, B])).toBe(1);
    const jobs = await deliveryJobs();
    expect(jobs.map((job) => job.key)).toEqual([`relay_deliver:${eventId}:${A}`, `relay_deliver:${eventId}:${B}`]);
  });

  it('writes nothing when the event is not in the outbox', async () => {
    await expect(fanOut('contact.created:hoamx_com:404', [A, B])).rejects.toMatchObject({ code: '23503' });
    const { rows } = await pool.query('select count(*)::int as n from relay.event_deliveries');
    expect(rows[0]).toEqual({ n: 0 });
    expect(await deliveryJobs()).toEqual([]);
  });
});
