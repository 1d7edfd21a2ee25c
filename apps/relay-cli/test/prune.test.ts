import { createPool } from '@relay/db';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runRelay } from './run-relay.js';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test' });
  // Tenant t at watermark 100. Events, by id: delivered 40 days ago (1, 2: go), delivered
  // 5 days ago (3: stays), failed 40 days ago (4: stays), undelivered 40 days ago (5:
  // stays), delivered 40 days ago but above the watermark (101: stays).
  await pool.query(`insert into relay.watcher_state (tenant, last_seen_id) values ('t', 100)`);
  await pool.query(`
    insert into relay.event_outbox (event_id, event_type, tenant, contact_message_id, payload, created_at, delivered_at)
    select 'contact.created:t:' || id, 'contact.created', 't', id, '{}'::jsonb, now() - interval '41 days', delivered
      from (values (1, now() - interval '40 days'), (2, now() - interval '40 days'), (3, now() - interval '5 days'),
                   (4, null), (5, null), (101, now() - interval '40 days')) as v(id, delivered)`);
  await pool.query(`
    insert into relay.event_deliveries (event_id, endpoint_url, status, delivered_at)
    select 'contact.created:t:' || id, 'http://a/', status, case when status = 'delivered' then now() - interval '40 days' end
      from (values (1, 'delivered'), (2, 'delivered'), (3, 'delivered'), (4, 'failed'), (5, 'pending'), (101, 'delivered')) as v(id, status)`);
  await pool.query(`
    insert into relay.agent_log (run_id, tenant, kind, created_at)
    select gen_random_uuid(), 't', 'start', now() - make_interval(days => d) from unnest(array[40, 31, 29, 1]) as d`);
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
