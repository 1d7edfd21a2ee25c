import { assertTenantName, createContactMessagesTable, createPool, quoteIdent } from '@relay/db';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkDatabaseInvariants } from '../src/checks/database-invariants.js';

/**
 * A deliberately broken relay: the seed's high-water mark, `last_seen_id = max visible
 * id`. It loses any row whose transaction took its id before a higher id committed.
 * The soak's invariant checker must catch that.
 */
async function naivePoll(pool: pg.Pool, tenant: string): Promise<number[]> {
  const table = `${quoteIdent(assertTenantName(tenant))}.contact_messages`;
  const state = await pool.query<{ last_seen_id: string }>(
    'select last_seen_id from relay.watcher_state where tenant = $1::text',
    [tenant],
  );
  const lastSeen = Number(state.rows[0]?.last_seen_id ?? 0);
  const { rows } = await pool.query<{ id: string }>(`select id from ${table} where id > $1::bigint order by id`, [
    lastSeen,
  ]);
  const ids = rows.map((r) => Number(r.id));
  if (ids.length === 0) return [];
  await pool.query(
    `insert into relay.event_outbox (event_id, event_type, tenant, contact_message_id, payload)
     select 'contact.created:' || $1::text || ':' || id, 'contact.created', $1::text, id, '{}'::jsonb
       from unnest($2::bigint[]) as id`,
    [tenant, ids],
  );
  await pool.query(
    `insert into relay.watcher_state (tenant, last_seen_id) values ($1::text, $2::bigint)
     on conflict (tenant) do update set last_seen_id = excluded.last_seen_id`,
    [tenant, Math.max(...ids)],
  );
  return ids;
}

const TENANT = 'naive_shop';
let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'soak-broken-relay-test', max: 4 });
  await createContactMessagesTable(pool, TENANT);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

it('the invariant checker catches the row a high-water-mark poller loses to an out-of-order commit', async () => {
  const insert = `insert into ${TENANT}.contact_messages (name) values ('x') returning id`;
  // A writer takes an id and keeps its transaction open...
  const slow = await pool.connect();
  let slowId: number;
  try {
    await slow.query('begin');
    slowId = Number((await slow.query<{ id: string }>(insert)).rows[0]?.id);
    // ...while another commits a higher id, which the poller sees and takes as its watermark.
    const fastId = Number((await pool.query<{ id: string }>(insert)).rows[0]?.id);
    expect(fastId).toBeGreaterThan(slowId);
    expect(await naivePoll(pool, TENANT)).toEqual([fastId]);
    await slow.query('commit');
  } finally {
    slow.release();
  }
  // The slow row is committed now, below the watermark: the next poll never sees it.
  expect(await naivePoll(pool, TENANT)).toEqual([]);

  const invariants = await checkDatabaseInvariants(pool, { tenants: [TENANT], endpointUrls: [] });
  const lost = invariants.find((i) => i.name === 'every committed source row has exactly one outbox row');
  expect(lost).toMatchObject({ ok: false, count: 1 });
  expect(lost?.detail).toContain(`1 without an outbox row (${TENANT}:${slowId})`);
  // The watermark looks perfect, which is why this bug hides in production.
  expect(invariants.find((i) => i.name.startsWith('watermark'))?.ok).toBe(true);
});
