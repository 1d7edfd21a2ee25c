/**
 * Many polls of one tenant at once (a scheduler retrying, several watcher instances):
 * every row is emitted exactly once, and polls that find the tenant busy say so at once.
 */
import { insertContactMessages } from '@relay/db';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createTenantTable,
  type PollAnswer,
  readAgentLog,
  readJobs,
  readOutbox,
  startTestWatcher,
  type TestWatcher,
  withClient,
} from './support.js';

let db: TestDatabase;
let watchers: TestWatcher[];

beforeAll(async () => {
  db = await freshDatabase();
  await createTenantTable(db.url);
  // Two app instances with pools of their own, like two Cloud Run instances.
  watchers = await Promise.all(
    [1, 2].map(() => startTestWatcher(db.url, { env: { BATCH_SIZE: '50' }, pool: { max: 10 } })),
  );
});

afterAll(async () => {
  await Promise.all((watchers ?? []).map((w) => w.close()));
  await db?.drop();
});

it('emits each of 500 rows exactly once under 20 concurrent polls, repeated, some answering busy', async () => {
  const answers: PollAnswer[] = [];
  const inserted: number[] = [];
  // Rows keep arriving between rounds, as they would in production.
  for (let round = 0; round < 5; round++) {
    inserted.push(...(await withClient(db.url, (c) => insertContactMessages(c, 'hoamx_com', 100))));
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (watchers[i % 2] as TestWatcher).poll({ tenant: 'hoamx_com' })),
    );
    answers.push(...burst);
  }
  // Then drain whatever the bursts left, one poll at a time.
  for (let i = 0; i < 20; i++) {
    const answer = await (watchers[0] as TestWatcher).poll();
    answers.push(answer);
    if (answer.body.claimed === 0) break;
  }

  expect(answers.every((a) => a.statusCode === 200)).toBe(true);
  expect(answers.some((a) => a.body.busy)).toBe(true);
  const busy = answers.filter((a) => a.body.busy);
  for (const a of busy) expect(a.body).toMatchObject({ claimed: 0, emitted: 0 });

  const pool = (watchers[0] as TestWatcher).pool;
  const outbox = await readOutbox(pool);
  expect(outbox.map((row) => row.contact_message_id)).toEqual(inserted);
  // Exactly once: the events the polls say they emitted add up to 500, and 500 jobs exist.
  expect(answers.reduce((sum, a) => sum + a.body.emitted, 0)).toBe(500);
  const jobs = await readJobs(pool);
  expect(jobs).toHaveLength(500);
  expect(new Set(jobs.map((job) => job.key)).size).toBe(500);

  // A busy poll is on record too: start and end (outcome busy), no observation.
  const busyLog = await readAgentLog(pool, busy[0]?.body.run_id ?? '');
  expect(busyLog.map((row) => [row.kind, row.detail.outcome])).toEqual([
    ['start', undefined],
    ['end', 'busy'],
  ]);
});
