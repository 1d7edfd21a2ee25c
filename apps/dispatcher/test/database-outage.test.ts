import { createPool, migrate } from '@relay/db';
import {
  type EmbeddedPostgresHandle,
  killLeftoverProcesses,
  type Receiver,
  type StartedDispatcher,
  seedEvents,
  startDispatcher,
  startEmbeddedPostgres,
  startReceiver,
  testEnv,
  waitFor,
  waitForDeliveries,
} from '@relay/devkit';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

let server: EmbeddedPostgresHandle;
let pool: pg.Pool;
let receiver: Receiver;

beforeAll(async () => {
  // A private server: this file stops and starts it.
  server = await startEmbeddedPostgres({ durable: false });
  await migrate({ connectionString: server.url });
  pool = createPool({ connectionString: server.url, applicationName: 'relay-test', max: 2 });
  pool.on('error', () => undefined);
});

afterAll(async () => {
  await killLeftoverProcesses();
  await receiver?.close();
  await pool?.end();
  await server?.destroy();
});

async function readyStatus(url: string): Promise<number | undefined> {
  const response = await fetch(`${url}/readyz`).catch(() => undefined);
  return response?.status;
}

it('keeps running through a database restart: not ready while it is down, then delivers again, losing nothing', async () => {
  // Slow answers, so deliveries are in flight when the database goes away.
  receiver = await startReceiver({ status: 200, delayMs: 1_500 });
  const dispatcher = await startDispatcher(testEnv(server.url, [receiver.url]));
  const before = await seedEvents(pool, [1, 2, 3]);
  await receiver.waitForRequests(1);

  try {
    await survivesRestart(dispatcher, before);
  } catch (err) {
    // The dispatcher's own log says why; keep it with the failure.
    throw new Error(`${(err as Error).message}\n--- dispatcher output ---\n${dispatcher.proc.output()}`);
  }
}, 120_000);

async function survivesRestart(dispatcher: StartedDispatcher, before: string[]): Promise<void> {
  await server.stop();
  await waitFor(async () => (await readyStatus(dispatcher.url)) === 503, { timeoutMs: 15_000, what: 'readyz 503' });
  // Jobs finish while the database is away: graphile-worker cannot record them and stops
  // its pool (once it can return its local queue); the supervisor must start a new one.
  await dispatcher.proc.waitForOutput(/Failed to (complete|fail) jobs/, { timeoutMs: 20_000 });
  await server.start();
  await waitFor(async () => (await readyStatus(dispatcher.url)) === 200, { timeoutMs: 60_000, what: 'readyz 200' });
  expect(dispatcher.proc.exited()).toBe(false);

  const after = await seedEvents(pool, [4, 5]);
  await waitForDeliveries(pool, before.length + after.length, 'delivered', 60_000);
  const delivered = new Set(receiver.bodies<{ event_id: string }>().map((body) => body.event_id));
  for (const eventId of [...before, ...after]) expect(delivered.has(eventId)).toBe(true);
  expect(dispatcher.proc.output()).toMatch(/worker pool stopped unexpectedly; starting a new one/);
  expect(dispatcher.proc.exited()).toBe(false);
}
