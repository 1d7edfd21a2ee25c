/**
 * A real database outage: a private PostgreSQL server (never the shared one) is stopped
 * under the running app and started again. While it is down `/poll` and `/readyz` answer
 * 503 and `/healthz` 200; once it is back polling resumes and nothing is lost.
 */
import { insertContactMessages, migrate } from '@relay/db';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres, waitFor } from '@relay/devkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTenantTable, readJobs, readOutbox, startTestWatcher, type TestWatcher, withClient } from './support.js';

let server: EmbeddedPostgresHandle;
let watcher: TestWatcher;

beforeAll(async () => {
  server = await startEmbeddedPostgres({ durable: false });
  await migrate({ connectionString: server.url });
  await createTenantTable(server.url);
  watcher = await startTestWatcher(server.url, { pool: { connectionTimeoutMs: 2_000 } });
});

afterAll(async () => {
  await server?.start();
  await watcher?.close();
  await server?.destroy();
});

it('answers 503 while the database is down and resumes with nothing lost when it returns', async () => {
  const first = await withClient(server.url, (c) => insertContactMessages(c, 'hoamx_com', 30));
  expect((await watcher.poll()).body.emitted).toBe(30);
  // Committed before the outage but not polled yet: must survive it.
  const beforeOutage = await withClient(server.url, (c) => insertContactMessages(c, 'hoamx_com', 10));

  await server.stop();
  const poll = await watcher.poll();
  expect(poll.statusCode).toBe(503);
  expect(poll.body).toEqual({ error: 'database unavailable' });
  const ready = await watcher.app.inject({ method: 'GET', url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toEqual({ error: 'database unavailable' });
  expect((await watcher.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

  await server.start();
  await waitFor(async () => (await watcher.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, {
    timeoutMs: 20_000,
    what: '/readyz to answer 200 again',
  });
  const afterOutage = await withClient(server.url, (c) => insertContactMessages(c, 'hoamx_com', 20));
  await waitFor(async () => (await watcher.poll()).body.claimed === 0, { timeoutMs: 20_000, what: 'a drained tenant' });

  const all = [...first, ...beforeOutage, ...afterOutage];
  const outbox = await readOutbox(watcher.pool);
  expect(outbox.map((row) => row.contact_message_id)).toEqual(all);
  expect(await readJobs(watcher.pool)).toHaveLength(all.length);
});
