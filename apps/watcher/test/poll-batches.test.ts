/**
 * What a poll writes: events in batches of BATCH_SIZE, their exact payloads, one fan-out
 * job each, the audit trail of every run, and a constant number of queries per poll.
 */
import { FAN_OUT_TASK, insertContactMessages } from '@relay/db';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenantTable,
  readAgentLog,
  readJobs,
  readOutbox,
  startTestWatcher,
  type TestWatcher,
  withClient,
} from './support.js';

const ISO_UTC_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let db: TestDatabase;
const watchers: TestWatcher[] = [];

async function watcherWith(env: Record<string, string>) {
  const watcher = await startTestWatcher(db.url, { env });
  watchers.push(watcher);
  return watcher;
}

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  await Promise.all(watchers.map((w) => w.close()));
  await db?.drop();
});

describe('a poll of 120 new rows with BATCH_SIZE=50', () => {
  it('emits 50, 50, then 20 events, with exact payloads, one job each and a full audit trail', async () => {
    await createTenantTable(db.url);
    const ids = await withClient(db.url, (c) => insertContactMessages(c, 'hoamx_com', 120));
    const watcher = await watcherWith({ BATCH_SIZE: '50' });

    const answers = [await watcher.poll(), await watcher.poll(), await watcher.poll(), await watcher.poll()];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.body.claimed)).toEqual([50, 50, 20, 0]);
    expect(answers.map((a) => a.body.emitted)).toEqual([50, 50, 20, 0]);
    expect(answers.map((a) => [a.body.first_id, a.body.last_id])).toEqual([
      [ids[0], ids[49]],
      [ids[50], ids[99]],
      [ids[100], ids[119]],
      [null, null],
    ]);
    for (const answer of answers) expect(answer.body).toMatchObject({ tenant: 'hoamx_com', busy: false });

    const source = await withClient(db.url, async (c) => {
      const { rows } = await c.query<{ id: string; name: string; email: string; phone: string; message: string }>(
        'select c.id::text, c.name, c.email, c.phone, c.message from hoamx_com.contact_messages c order by c.id',
      );
      return rows;
    });
    const outbox = await readOutbox(watcher.pool);
    expect(outbox.map((row) => row.contact_message_id)).toEqual(ids);
    for (const [i, row] of outbox.entries()) {
      const src = source[i];
      const eventId = `contact.created:hoamx_com:${src?.id}`;
      expect(row).toMatchObject({ event_id: eventId, event_type: 'contact.created', tenant: 'hoamx_com' });
      expect(row.payload).toEqual({
        event_id: eventId,
        event_type: 'contact.created',
        tenant: 'hoamx_com',
        contact_message_id: Number(src?.id),
        observed_at: expect.stringMatching(ISO_UTC_MILLIS),
        data: { name: src?.name, email: src?.email, phone: src?.phone, message: src?.message },
      });
      expect(typeof row.payload.contact_message_id).toBe('number');
    }

    const jobs = await readJobs(watcher.pool);
    expect(jobs).toHaveLength(120);
    expect(jobs.map((job) => job.key).sort()).toEqual(outbox.map((row) => row.event_id).sort());
    for (const job of jobs) {
      expect(job.task_identifier).toBe(FAN_OUT_TASK);
      expect(job.payload).toEqual({ event_id: job.key });
    }

    for (const [i, answer] of answers.entries()) {
      const log = await readAgentLog(watcher.pool, answer.body.run_id);
      expect(log.map((row) => row.kind)).toEqual(['start', 'observation', 'end']);
      expect(log[1]?.detail).toMatchObject({
        claimed: answer.body.claimed,
        emitted: answer.body.emitted,
        first_id: answer.body.first_id,
        last_id: answer.body.last_id,
      });
      expect(log[2]?.detail).toMatchObject({ outcome: 'ok', claimed: [50, 50, 20, 0][i] });
    }
  });

  it('emits a row inserted after the previous polls on the next one', async () => {
    const watcher = watchers[0] as TestWatcher;
    const [id] = await withClient(db.url, (c) => insertContactMessages(c, 'hoamx_com', 1));
    const answer = await watcher.poll();
    expect(answer.body).toMatchObject({ claimed: 1, emitted: 1, first_id: id, last_id: id });
  });
});

describe('DATA_FIELDS', () => {
  it('copies only the named columns into data, and sends {} when empty', async () => {
    await createTenantTable(db.url, 'acme_io');
    await createTenantTable(db.url, 'zeta_org');
    await withClient(db.url, async (c) => {
      await insertContactMessages(c, 'acme_io', 2);
      await insertContactMessages(c, 'zeta_org', 2);
    });
    const some = await watcherWith({ TENANTS: 'acme_io', DATA_FIELDS: 'email, name' });
    const none = await watcherWith({ TENANTS: 'zeta_org', DATA_FIELDS: '' });
    expect((await some.poll({ tenant: 'acme_io' })).body.emitted).toBe(2);
    expect((await none.poll({ tenant: 'zeta_org' })).body.emitted).toBe(2);

    const [acme] = await readOutbox(some.pool, 'acme_io');
    expect(Object.keys(acme?.payload.data as object).sort()).toEqual(['email', 'name']);
    const [zeta] = await readOutbox(none.pool, 'zeta_org');
    expect(zeta?.payload.data).toEqual({});
  });
});

describe('round trips', () => {
  it('a poll of 1,000 rows sends as many queries as a poll of 1', async () => {
    await createTenantTable(db.url, 'trips_io');
    const watcher = await watcherWith({ TENANTS: 'trips_io', BATCH_SIZE: '5000' });
    let queries = 0;
    // Count every statement the app's pool sends (its clients are real pg clients).
    watcher.pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        queries += 1;
        return query(...args);
      };
    });
    const countQueries = async (rows: number) => {
      await withClient(db.url, (c) => insertContactMessages(c, 'trips_io', rows));
      const before = queries;
      const answer = await watcher.poll({ tenant: 'trips_io' });
      expect(answer.body.emitted).toBe(rows);
      return queries - before;
    };
    const forOne = await countQueries(1);
    const forThousand = await countQueries(1000);
    expect(forThousand).toBe(forOne);
    expect(forOne).toBeLessThanOrEqual(12);
  });
});
