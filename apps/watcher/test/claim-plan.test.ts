/**
 * The claim's cost depends on the batch, not on how many rows were already relayed:
 * with the watermark caught up, EXPLAIN shows index scans on `contact_messages` (primary
 * key) and `event_outbox` (`event_outbox_tenant_source_idx`), no sequential scan, and a
 * few buffers per claimed row at 2,000 and at 20,000 relayed rows (B-tree depth aside).
 */

import { insertContactMessages } from '@relay/db';
import { claimContactMessagesSql } from '@relay/db/queries/claim-contact-messages';
import { waitFor } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTenantTable, readWatermark, startTestWatcher, type TestWatcher, withClient } from './support.js';

const BATCH = 50;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

let db: TestDatabase;
let watcher: TestWatcher;

beforeAll(async () => {
  db = await freshDatabase();
  watcher = await startTestWatcher(db.url, { env: { TENANTS: 'small_co,big_co', BATCH_SIZE: String(BATCH) } });
});

afterAll(async () => {
  await watcher?.close();
  await db?.drop();
});

/** `relayed` rows already in the outbox (written directly: the history, not under test). */
async function tenantWithHistory(tenant: string, relayed: number): Promise<void> {
  await createTenantTable(db.url, tenant);
  await withClient(db.url, async (c) => {
    await insertContactMessages(c, tenant, relayed);
    await c.query(
      `insert into relay.event_outbox (event_id, event_type, tenant, contact_message_id, payload)
       select 'contact.created:' || $1::text || ':' || id, 'contact.created', $1::text, id, '{}'::jsonb
         from ${tenant}.contact_messages`,
      [tenant],
    );
  });
  // The watcher itself brings its watermark up to date (record, arm, mature: three polls
  // at least; more while another transaction, e.g. autovacuum's analyze, is still open).
  await waitFor(
    async () => {
      expect((await watcher.poll({ tenant })).body.emitted).toBe(0);
      return (await readWatermark(watcher.pool, tenant)) === relayed;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `${tenant}'s watermark at ${relayed}` },
  );
  await withClient(db.url, async (c) => {
    await insertContactMessages(c, tenant, BATCH);
    await c.query('analyze');
  });
}

async function explainClaim(tenant: string): Promise<PlanNode> {
  const watermark = await readWatermark(watcher.pool, tenant);
  return withClient(db.url, async (c) => {
    const { rows } = await c.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `explain (analyze, buffers, format json) ${claimContactMessagesSql(tenant, ['name', 'email'])}`,
      [watermark, tenant, BATCH],
    );
    const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
    if (!plan) throw new Error('no plan');
    return plan;
  });
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

it('claims through indexes on contact_messages and event_outbox, at a cost that does not grow with history', async () => {
  await tenantWithHistory('small_co', 2_000);
  await tenantWithHistory('big_co', 20_000);

  const costs: Record<string, number> = {};
  for (const tenant of ['small_co', 'big_co']) {
    const plan = await explainClaim(tenant);
    const all = nodes(plan);
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    const source = all.find((n) => n['Relation Name'] === 'contact_messages');
    expect(source?.['Node Type']).toMatch(/^Index (Only )?Scan$/);
    expect(source?.['Index Name']).toBe('contact_messages_pkey');
    expect(source?.['Actual Rows']).toBeLessThanOrEqual(BATCH);
    const outbox = all.find((n) => n['Relation Name'] === 'event_outbox');
    expect(outbox?.['Node Type']).toMatch(/^Index (Only )?Scan$/);
    expect(outbox?.['Index Name']).toBe('event_outbox_tenant_source_idx');
    costs[tenant] = (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
  }
  // A few buffers per claimed row (one B-tree descent per anti-join probe), whatever the
  // history; ten times the history costs at most one more B-tree level per probe, far
  // from the tenfold a scan of the relayed rows would cost.
  expect(costs.big_co).toBeLessThanOrEqual(BATCH * 4);
  expect(costs.big_co).toBeLessThanOrEqual((costs.small_co ?? 0) * 3);

  // And the real poll emits exactly the new batch.
  expect((await watcher.poll({ tenant: 'big_co' })).body.emitted).toBe(BATCH);
});
