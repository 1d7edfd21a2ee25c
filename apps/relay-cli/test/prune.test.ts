import { createPool } from '@relay/db';
import { seedRetentionHistory } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runRelay } from './run-relay.js';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test' });
  await seedRetentionHistory(pool);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const remaining = async () => ({
  events: (await pool.query('select contact_message_id::int as id from relay.event_outbox order by 1')).rows.map(
    (r) => r.id,
  ),
  deliveries: Number((await pool.query('select count(*) from relay.event_deliveries')).rows[0].count),
  log: Number(
    (await pool.query(`select count(*) from relay.agent_log where detail->>'command' is distinct from 'prune'`)).rows[0]
      .count,
  ),
});

it('--dry-run counts what would go and changes nothing', async () => {
  const before = await remaining();
  const result = await runRelay(['prune', '--dry-run', '--json'], { DATABASE_URL: db.url });
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({ dry_run: true, days: 30, events: 2, agent_log_rows: 2 });
  expect(await remaining()).toEqual(before);
});

it('removes exactly the delivered events and agent_log rows past retention, and logs that it did', async () => {
  const result = await runRelay(['prune'], { DATABASE_URL: db.url });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('removed 2 delivered events and 2 agent_log rows older than 30 days');
  expect(await remaining()).toEqual({ events: [3, 4, 5, 101], deliveries: 4, log: 2 });
  const { rows } = await pool.query(`select detail from relay.agent_log where detail->>'command' = 'prune'`);
  expect(rows).toHaveLength(1);
  expect(rows[0].detail.removed).toEqual({ events: 2, agentLogRows: 2 });
});

it('rejects a bad --days with a usage error (exit 2)', async () => {
  const result = await runRelay(['prune', '--days', 'zero'], { DATABASE_URL: db.url });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--days must be a whole number of days');
});
