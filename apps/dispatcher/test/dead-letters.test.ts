import { createPool } from '@relay/db';
import {
  deliveries,
  jobs,
  killLeftoverProcesses,
  outboxDeliveredAt,
  REPO_ROOT,
  type Receiver,
  seedEvents,
  startDispatcher,
  startProcess,
  startReceiver,
  testEnv,
  waitForDeliveries,
} from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

const GRAPHILE_CLI = `${REPO_ROOT}/node_modules/graphile-worker/dist/cli.js`;

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
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

it('a dead letter requeued with reschedule_jobs is delivered by the stock graphile-worker CLI --once', async () => {
  receiver = await startReceiver({ status: 400 });
  const env = testEnv(db.url, [receiver.url]);
  const dispatcher = await startDispatcher(env);
  const [eventId] = await seedEvents(pool, [7]);
  await waitForDeliveries(pool, 1, 'failed');
  dispatcher.proc.kill('SIGTERM');
  expect(await dispatcher.proc.waitForExit({ timeoutMs: 10_000 })).toMatchObject({ code: 0 });

  const [deadLetter] = await jobs(pool);
  expect(deadLetter).toMatchObject({ attempts: 5, max_attempts: 5, locked_by: null });

  receiver.respondWith({ status: 200 });
  await pool.query('select graphile_worker.reschedule_jobs(array[$1::bigint], attempts := 0)', [deadLetter?.id]);
  const cli = startProcess(process.execPath, [GRAPHILE_CLI, '--once'], { env, cwd: REPO_ROOT });
  const exit = await cli.waitForExit({ timeoutMs: 30_000 });
  expect(exit, cli.output()).toMatchObject({ code: 0 });

  expect(receiver.requests).toHaveLength(2);
  const [row] = await deliveries(pool, eventId);
  expect(row).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 200, last_error: null });
  expect(await outboxDeliveredAt(pool, eventId as string)).not.toBeNull();
  expect(await jobs(pool)).toEqual([]);
});

it('the stock graphile-worker CLI --once drains fan-out and delivery jobs with the same task list', async () => {
  receiver = await startReceiver({ status: 200 });
  const env = testEnv(db.url, [receiver.url]);
  const eventIds = await seedEvents(pool, [101, 102, 103]);
  const cli = startProcess(process.execPath, [GRAPHILE_CLI, '--once'], { env, cwd: REPO_ROOT });
  expect(await cli.waitForExit({ timeoutMs: 30_000 }), cli.output()).toMatchObject({ code: 0 });
  expect(receiver.requests).toHaveLength(3);
  const rows = (await deliveries(pool)).filter((row) => eventIds.includes(row.event_id));
  expect(rows.map((row) => row.status)).toEqual(['delivered', 'delivered', 'delivered']);
  expect(await jobs(pool)).toEqual([]);
});
