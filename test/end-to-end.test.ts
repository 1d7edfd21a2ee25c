/**
 * The whole relay as deployed: the watcher and the dispatcher as real processes on their
 * built entry points, a real PostgreSQL, two real receivers on 127.0.0.1.
 */
import { fileURLToPath } from 'node:url';
import { createContactMessagesTable, insertContactMessages } from '@relay/db';
import {
  freePort,
  killLeftoverProcesses,
  type Receiver,
  type RunningProcess,
  startProcess,
  startReceiver,
  waitFor,
} from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const EVENTS = 1000;
const AGENT_KEY = 'e2e-key';

let db: TestDatabase;
let pool: pg.Pool;
let receivers: Receiver[];
let watcher: RunningProcess;
let dispatcher: RunningProcess;
let watcherUrl: string;

beforeAll(async () => {
  db = await freshDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await createContactMessagesTable(pool, 'hoamx_com');
  receivers = [await startReceiver(), await startReceiver()];
  const [watcherPort, dispatcherPort] = [await freePort(), await freePort()];
  watcherUrl = `http://127.0.0.1:${watcherPort}`;
  const env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' };
  watcher = startProcess(process.execPath, [`${root}/apps/watcher/dist/main.js`], {
    env: {
      ...env,
      PORT: String(watcherPort),
      WATCHER_AGENT_KEY: AGENT_KEY,
      BATCH_SIZE: '200',
      WATERMARK_SAFETY_LAG_MS: '100',
    },
  });
  dispatcher = startProcess(process.execPath, [`${root}/apps/dispatcher/dist/main.js`], {
    env: {
      ...env,
      PORT: String(dispatcherPort),
      DOWNSTREAM_URLS: receivers.map((r) => `${r.url}/events`).join(','),
      WORKER_CONCURRENCY: '20',
    },
  });
  await waitFor(async () => (await fetch(`${watcherUrl}/readyz`).catch(() => undefined))?.ok, {
    timeoutMs: 30_000,
    what: 'the watcher to be ready',
  });
});

afterAll(async () => {
  watcher?.kill('SIGTERM');
  dispatcher?.kill('SIGTERM');
  await Promise.all([watcher?.waitForExit({ timeoutMs: 15_000 }), dispatcher?.waitForExit({ timeoutMs: 15_000 })]);
  await killLeftoverProcesses();
  await Promise.all((receivers ?? []).map((r) => r.close()));
  await pool?.end();
  await db?.drop();
});

async function poll(): Promise<{ claimed: number }> {
  const res = await fetch(`${watcherUrl}/poll`, {
    method: 'POST',
    headers: { 'x-agent-key': AGENT_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'hoamx_com' }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { claimed: number };
}

it(`delivers ${EVENTS} contact messages to both endpoints, each exactly once, and records it`, async () => {
  const ids = await insertContactMessages(pool, 'hoamx_com', EVENTS);

  let claimed = 0;
  await waitFor(
    async () => {
      claimed += (await poll()).claimed;
      return claimed === EVENTS;
    },
    { timeoutMs: 60_000, intervalMs: 10, what: `${EVENTS} rows claimed` },
  );

  for (const receiver of receivers) await receiver.waitForRequests(EVENTS, { timeoutMs: 120_000 });
  for (const receiver of receivers) {
    const eventIds = receiver.bodies<{ event_id: string }>().map((body) => body.event_id);
    expect(new Set(eventIds).size).toBe(EVENTS);
    expect(eventIds).toHaveLength(EVENTS);
    expect(new Set(eventIds)).toEqual(new Set(ids.map((id) => `contact.created:hoamx_com:${id}`)));
  }

  const summary = await waitFor(
    async () => {
      const { rows } = await pool.query<{ undelivered: string; delivered_rows: string }>(
        `select (select count(*) from relay.event_outbox where delivered_at is null) as undelivered,
                (select count(*) from relay.event_deliveries where status = 'delivered' and delivered_at is not null) as delivered_rows`,
      );
      const row = rows[0];
      return row && Number(row.undelivered) === 0 && Number(row.delivered_rows) === 2 * EVENTS ? row : undefined;
    },
    { timeoutMs: 30_000, what: 'every event and delivery marked delivered' },
  );
  expect(Number(summary.delivered_rows)).toBe(2 * EVENTS);
});
