/**
 * The gap-safe watermark against real concurrent transactions: ids commit out of order,
 * roll back, or are taken by `nextval` before their row is written; the application
 * holds rows locked. Nothing may be lost, and the watermark never passes an id that can
 * still appear.
 */
import { Writable } from 'node:stream';
import { createLogger } from '@relay/common';
import { insertContactMessages } from '@relay/db';
import { waitFor } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenantTable,
  type PollAnswer,
  readAgentLog,
  readJobs,
  readOutbox,
  readWatermark,
  startTestWatcher,
  type TestWatcher,
  withClient,
} from './support.js';

const TENANTS = ['gap_a', 'gap_b', 'gap_c', 'gap_d'] as const;
/** Short, so tests run fast; long enough that a test's own next statement lands inside it. */
const SAFETY_LAG_MS = 300;

let db: TestDatabase;
let watcher: TestWatcher;
const logLines: Array<Record<string, unknown>> = [];
const sessions: pg.Client[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  for (const tenant of TENANTS) await createTenantTable(db.url, tenant);
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  watcher = await startTestWatcher(db.url, {
    env: { TENANTS: TENANTS.join(','), WATERMARK_SAFETY_LAG_MS: String(SAFETY_LAG_MS) },
    logger: createLogger({ name: 'watcher', level: 'warn', destination }),
  });
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.end().catch(() => undefined)));
});

afterAll(async () => {
  await watcher?.close();
  await db?.drop();
});

/** A second, real application session (its own connection and transactions). */
async function applicationSession(): Promise<pg.Client> {
  const session = new pg.Client({ connectionString: db.url, application_name: 'the-application' });
  session.on('error', () => undefined);
  await session.connect();
  sessions.push(session);
  return session;
}

async function backendPid(session: pg.Client): Promise<number> {
  const { rows } = await session.query<{ pid: number }>('select pg_backend_pid() as pid');
  return rows[0]?.pid ?? -1;
}

async function insertOne(session: pg.Client, tenant: string, id?: number): Promise<number> {
  const { rows } = await session.query<{ id: string }>(
    id === undefined
      ? `insert into ${tenant}.contact_messages (name) values ('late') returning id`
      : `insert into ${tenant}.contact_messages (id, name) values ($1, 'late') returning id`,
    id === undefined ? [] : [id],
  );
  return Number(rows[0]?.id);
}

/** Polls `tenant` until `until(answer)` holds; returns every answer seen. */
async function pollUntil(tenant: string, until: (answer: PollAnswer) => boolean, what: string) {
  const answers: PollAnswer[] = [];
  await waitFor(
    async () => {
      const answer = await watcher.poll({ tenant });
      expect(answer.statusCode).toBe(200);
      answers.push(answer);
      return until(answer);
    },
    { timeoutMs: 15_000, intervalMs: 40, what },
  );
  return answers;
}

async function emittedIds(tenant: string): Promise<number[]> {
  return (await readOutbox(watcher.pool, tenant)).map((row) => row.contact_message_id);
}

describe('the gap-safe watermark', () => {
  it('emits a row committed after higher ids, never moving the watermark past it while it is open', async () => {
    const tenant = 'gap_a';
    const app = await applicationSession();
    const appPid = await backendPid(app);
    await app.query('begin');
    const open = await insertOne(app, tenant);
    const later = await withClient(db.url, (c) => insertContactMessages(c, tenant, 5));
    expect(Math.min(...later)).toBeGreaterThan(open);

    const whileOpen = await pollUntil(tenant, (a) => a.body.held_back !== null, 'a hold-back report');
    for (const answer of whileOpen) expect(answer.body.last_seen_id).toBeLessThan(open);
    expect(await readWatermark(watcher.pool, tenant)).toBeLessThan(open);
    expect(await emittedIds(tenant)).toEqual(later);

    const report = whileOpen.at(-1) as PollAnswer;
    expect(report.body.held_back).toMatchObject({
      pending_max_id: later.at(-1),
      oldest_xact_pid: appPid,
    });
    expect(report.body.held_back?.oldest_xact_age_ms).toBeGreaterThanOrEqual(0);
    expect(report.body.held_back?.since_ms).toBeGreaterThanOrEqual(SAFETY_LAG_MS);
    const observation = (await readAgentLog(watcher.pool, report.body.run_id)).find((r) => r.kind === 'observation');
    expect(observation?.detail.held_back).toMatchObject({ oldest_xact_pid: appPid });
    expect(logLines).toContainEqual(
      expect.objectContaining({
        message: 'watermark held back by an open transaction',
        severity: 'WARNING',
        tenant,
        held_back: expect.objectContaining({ oldest_xact_pid: appPid }),
      }),
    );

    await app.query('commit');
    const next = await watcher.poll({ tenant });
    expect(next.body).toMatchObject({ claimed: 1, emitted: 1, first_id: open, last_id: open });

    await pollUntil(tenant, (a) => (a.body.last_seen_id ?? 0) >= Math.max(...later), 'the watermark to advance');
    expect(await emittedIds(tenant)).toEqual([open, ...later]);
    const jobKeys = (await readJobs(watcher.pool)).map((job) => job.key).filter((key) => key?.includes(tenant));
    expect(jobKeys).toHaveLength(6);
  });

  it('does not stall on an id whose transaction rolled back', async () => {
    const tenant = 'gap_b';
    const app = await applicationSession();
    await app.query('begin');
    const doomed = await insertOne(app, tenant);
    const later = await withClient(db.url, (c) => insertContactMessages(c, tenant, 3));
    expect((await watcher.poll({ tenant })).body.emitted).toBe(3);
    await app.query('rollback');

    await pollUntil(tenant, (a) => (a.body.last_seen_id ?? 0) >= Math.max(...later), 'the watermark to pass the gap');
    expect(await readWatermark(watcher.pool, tenant)).toBeGreaterThan(doomed);
    expect(await emittedIds(tenant)).toEqual(later);
  });

  it('emits a row the application holds locked (source rows are never skipped as locked)', async () => {
    const tenant = 'gap_c';
    const [locked] = await withClient(db.url, (c) => insertContactMessages(c, tenant, 1));
    const app = await applicationSession();
    await app.query('begin');
    await app.query(`select 1 from ${tenant}.contact_messages where id = $1 for update`, [locked]);
    const answer = await watcher.poll({ tenant });
    expect(answer.body).toMatchObject({ emitted: 1, first_id: locked });
    await app.query('commit');
  });

  it('keeps a row whose id was taken by nextval before a higher id, but written after the poll saw that one', async () => {
    const tenant = 'gap_d';
    await withClient(db.url, (c) => insertContactMessages(c, tenant, 3));
    const app = await applicationSession();
    await app.query('begin');
    const { rows } = await app.query<{ id: string; xid: string | null }>(
      `select nextval(pg_get_serial_sequence('${tenant}.contact_messages', 'id'))::text as id,
              pg_current_xact_id_if_assigned()::text as xid`,
    );
    const taken = Number(rows[0]?.id);
    // The race this covers: an id taken while its transaction has no xid yet (nextval
    // pre-logs 32 values, so only the first call of a batch assigns one).
    expect(rows[0]?.xid, 'the application transaction should not hold an xid yet').toBeNull();

    const higher = await withClient(db.url, (c) => insertContactMessages(c, tenant, 2));
    const first = await watcher.poll({ tenant });
    expect(first.body.last_id).toBe(Math.max(...higher));
    // The application writes its row only now (its xid is newer than the poll's snapshot).
    await insertOne(app, tenant, taken);

    const whileOpen = await pollUntil(tenant, (a) => a.body.held_back !== null, 'a hold-back report');
    for (const answer of whileOpen) expect(answer.body.last_seen_id).toBeLessThan(taken);
    await app.query('commit');

    await pollUntil(tenant, (a) => (a.body.last_seen_id ?? 0) >= Math.max(...higher), 'the watermark to advance');
    expect(await emittedIds(tenant)).toContain(taken);
    expect(new Set(await emittedIds(tenant)).size).toBe(6);
  });
});
