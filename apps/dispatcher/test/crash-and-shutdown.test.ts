import { readFileSync } from 'node:fs';
import { createPool } from '@relay/db';
import {
  deliveries,
  jobs,
  killLeftoverProcesses,
  type Receiver,
  seedEvents,
  startDispatcher,
  startReceiver,
  testEnv,
  waitFor,
  waitForDeliveries,
} from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

let db: TestDatabase;
let pool: pg.Pool;
let receiver: Receiver;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test', max: 3 });
});

afterEach(async () => {
  await killLeftoverProcesses();
  await receiver?.close();
  await pool.query(
    'truncate relay.event_outbox cascade; delete from graphile_worker._private_jobs; delete from relay.dispatcher_heartbeats',
  );
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** Peak resident memory of a process, in bytes (Linux). */
function peakRssBytes(pid: number): number {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return Number(match?.[1] ?? 0) * 1024;
}

it('heartbeats under the worker pool id that graphile-worker writes into locked_by', async () => {
  receiver = await startReceiver({ hang: true });
  await startDispatcher(testEnv(db.url, [receiver.url], { DOWNSTREAM_TIMEOUT_MS: '30000' }));
  await seedEvents(pool, [1]);
  await receiver.waitForRequests(1);
  const locked = (await jobs(pool)).filter((job) => job.locked_by !== null);
  const { rows } = await pool.query<{ worker_id: string }>('select worker_id from relay.dispatcher_heartbeats');
  expect(locked.length).toBeGreaterThan(0);
  expect(locked[0]?.locked_by).toMatch(/^pool-/);
  expect(rows.map((row) => row.worker_id)).toEqual([locked[0]?.locked_by]);
});

it('a delivery held open by a dispatcher killed with SIGKILL is completed by a new dispatcher', async () => {
  receiver = await startReceiver((_req, index) => (index === 0 ? { hang: true } : { status: 200 }));
  const env = testEnv(db.url, [receiver.url], { DOWNSTREAM_TIMEOUT_MS: '30000', DISPATCHER_STALE_AFTER_MS: '2000' });
  const first = await startDispatcher(env);
  await seedEvents(pool, [2]);
  await receiver.waitForRequests(1);
  first.proc.kill('SIGKILL');
  await first.proc.waitForExit();

  const second = await startDispatcher(env);
  const started = Date.now();
  await waitForDeliveries(pool, 1, 'delivered', 120_000);
  expect(Date.now() - started).toBeLessThan(120_000);
  expect(receiver.requests).toHaveLength(2);
  expect(second.proc.output()).toMatch(/unlocked jobs of dead worker/);
  expect(await jobs(pool)).toEqual([]);
});

it('SIGTERM during deliveries exits 0 within 10 s and a restarted dispatcher delivers everything', async () => {
  // The first request never answers: it must be handed back, not left locked.
  receiver = await startReceiver((_req, index) => (index === 0 ? { hang: true } : { status: 200, delayMs: 300 }));
  const env = testEnv(db.url, [receiver.url], { DOWNSTREAM_TIMEOUT_MS: '30000', WORKER_CONCURRENCY: '2' });
  const first = await startDispatcher(env);
  const eventIds = await seedEvents(pool, [10, 11, 12, 13, 14, 15]);
  await receiver.waitForRequests(2);

  const signalledAt = Date.now();
  first.proc.kill('SIGTERM');
  const exit = await first.proc.waitForExit({ timeoutMs: 12_000 });
  expect(exit, first.proc.output()).toMatchObject({ code: 0 });
  expect(Date.now() - signalledAt).toBeLessThan(10_000);
  expect((await jobs(pool)).filter((job) => job.locked_by !== null)).toEqual([]);

  await startDispatcher(env);
  await waitForDeliveries(pool, eventIds.length, 'delivered');
  const rows = await deliveries(pool);
  expect(rows.map((row) => row.status)).toEqual(eventIds.map(() => 'delivered'));
});

it('a 200 MB response is delivered without the process memory following it', async () => {
  receiver = await startReceiver({ status: 200, bodyBytes: 200 * 1024 * 1024 });
  const dispatcher = await startDispatcher(testEnv(db.url, [receiver.url]));
  await seedEvents(pool, [20, 21]);
  await waitForDeliveries(pool, 2, 'delivered');
  await waitFor(() => receiver.requests.length === 2);
  expect(peakRssBytes(dispatcher.proc.pid)).toBeLessThan(300 * 1024 * 1024);
});
