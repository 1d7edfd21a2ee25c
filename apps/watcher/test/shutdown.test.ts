/**
 * A real SIGTERM to the real process (`dist/main.js`) while a poll is inside its
 * transaction. The poll is made slow honestly: a statement trigger on the test database's
 * `relay.event_outbox` sleeps, as a slow disk or a lock wait would. The watcher has no
 * test hook. Either the in-flight poll finishes within the grace period (the whole batch
 * is committed, the caller gets 200) or it is cancelled and rolled back (none of it is);
 * the process exits 0 well within Cloud Run's 10 s either way.
 */
import { fileURLToPath } from 'node:url';
import { insertContactMessages } from '@relay/db';
import { freePort, killLeftoverProcesses, type RunningProcess, startProcess, waitFor } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { AGENT_KEY, countWrites, createTenantTable, readAgentLog, watcherEnv, withClient } from './support.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const ROWS = 200;

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
});

afterEach(async () => {
  expect(await killLeftoverProcesses()).toBe(0);
});

afterAll(async () => {
  await db?.drop();
});

/** Every insert statement into the outbox now takes `seconds` (inside the poll's transaction). */
async function slowOutboxInserts(seconds: number): Promise<void> {
  await withClient(db.url, (c) =>
    c.query(`
      create or replace function public.slow_outbox_insert() returns trigger language plpgsql as $$
      begin perform pg_sleep(${seconds}); return null; end $$;
      create or replace trigger slow_outbox_insert after insert on relay.event_outbox
        for each statement execute function public.slow_outbox_insert();`),
  );
}

async function startWatcher(tenant: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const proc = startProcess(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      ...watcherEnv(db.url, {
        TENANTS: tenant,
        BATCH_SIZE: String(ROWS),
        PORT: String(port),
        LOG_LEVEL: 'info',
        ...env,
      }),
    },
  });
  await proc.waitForOutput(/watcher listening/, { timeoutMs: 20_000 });
  return { proc, url: `http://127.0.0.1:${port}` };
}

/** Sends a poll and waits until it is inside its transaction, in the trigger's sleep. */
async function pollStuckInTransaction(url: string, tenant: string) {
  const response = fetch(`${url}/poll`, {
    method: 'POST',
    headers: { 'x-agent-key': AGENT_KEY, 'content-type': 'application/json', 'x-request-id': 'shutdown-test' },
    body: JSON.stringify({ tenant }),
  }).then(
    async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }),
    (err: Error) => ({ status: 0, body: { error: err.message } as Record<string, unknown> }),
  );
  await waitFor(
    () =>
      withClient(db.url, async (c) => {
        const { rows } = await c.query(
          "select 1 from pg_stat_activity where application_name = 'relay-watcher' and wait_event = 'PgSleep'",
        );
        return rows.length === 1;
      }),
    { timeoutMs: 10_000, what: 'the poll to be inside its transaction' },
  );
  // Wrapped: returning the promise itself would make the caller wait for the answer.
  return { response };
}

async function terminate(proc: RunningProcess) {
  const sent = Date.now();
  proc.kill('SIGTERM');
  const exit = await proc.waitForExit({ timeoutMs: 15_000 });
  return { ...exit, tookMs: Date.now() - sent };
}

async function outboxCount(tenant: string): Promise<number> {
  return withClient(db.url, async (c) => {
    const { rows } = await c.query<{ n: number }>(
      'select count(*)::int as n from relay.event_outbox where tenant = $1',
      [tenant],
    );
    return rows[0]?.n ?? -1;
  });
}

it('finishes the in-flight poll on SIGTERM, commits the whole batch, and exits 0', async () => {
  const tenant = 'slow_ok';
  await createTenantTable(db.url, tenant);
  await withClient(db.url, (c) => insertContactMessages(c, tenant, ROWS));
  await slowOutboxInserts(1.5);
  const { proc, url } = await startWatcher(tenant);

  const { response } = await pollStuckInTransaction(url, tenant);
  const exit = await terminate(proc);
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.tookMs).toBeLessThan(10_000);
  const answer = await response;
  expect(answer.status).toBe(200);
  // The signal really arrived mid-poll: the answer came after it.
  expect(proc.output().indexOf('"signal":"SIGTERM"')).toBeLessThan(proc.output().indexOf('"message":"poll finished"'));
  expect(answer.body).toMatchObject({ claimed: ROWS, emitted: ROWS });
  expect(await outboxCount(tenant)).toBe(ROWS);
  const log = await withClient(db.url, (c) => readAgentLog(c, String(answer.body.run_id)));
  expect(log.map((row) => row.kind)).toEqual(['start', 'observation', 'end']);

  // The logs: JSON lines for Cloud Logging, with the request id, and no secrets.
  const output = proc.output();
  const lines = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.every((line) => typeof line.severity === 'string' && typeof line.message === 'string')).toBe(true);
  expect(lines).toContainEqual(expect.objectContaining({ request_id: 'shutdown-test', message: 'poll finished' }));
  expect(lines).toContainEqual(expect.objectContaining({ message: 'stopped' }));
  expect(output).not.toContain(AGENT_KEY);
  const password = new URL(db.url).password;
  expect(password).not.toBe('');
  expect(output).not.toContain(`:${password}@`);
});

it('cancels a poll still running when the grace period ends: it rolls back whole, and the process exits 0', async () => {
  const tenant = 'slow_cancel';
  await createTenantTable(db.url, tenant);
  await withClient(db.url, (c) => insertContactMessages(c, tenant, ROWS));
  await slowOutboxInserts(30);
  const { proc, url } = await startWatcher(tenant, { SHUTDOWN_GRACE_MS: '1000' });
  const before = await withClient(db.url, (c) => countWrites(c));

  const { response } = await pollStuckInTransaction(url, tenant);
  const exit = await terminate(proc);
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.tookMs).toBeLessThan(10_000);
  const answer = await response;
  expect(answer.status).toBe(503);
  expect(answer.body).toEqual({ error: 'watcher is shutting down; the poll was rolled back' });

  // None of the batch: no events, no jobs; the run is on record as start + error.
  const after = await withClient(db.url, (c) => countWrites(c));
  expect(after.event_outbox).toBe(before.event_outbox);
  expect(after.jobs).toBe(before.jobs);
  expect(await outboxCount(tenant)).toBe(0);
  const kinds = await withClient(db.url, async (c) => {
    const { rows } = await c.query<{ kind: string }>(
      "select kind from relay.agent_log where tenant = $1 and kind in ('start', 'error') order by id",
      [tenant],
    );
    return rows.map((row) => row.kind);
  });
  expect(kinds).toEqual(['start', 'error']);
  // And the tenant is not left locked: the next poll can take its state row.
  const lockable = await withClient(db.url, async (c) => {
    const { rows } = await c.query('select 1 from relay.watcher_state where tenant = $1 for update skip locked', [
      tenant,
    ]);
    return rows.length;
  });
  expect(lockable).toBe(1);
});
