import { createPool } from '@relay/db';
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
