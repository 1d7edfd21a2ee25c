import type pg from 'pg';
import { type RelayState, readRelayState, readTenantState, type TenantState } from './database-state.js';
import { type Invariant, invariant, sample } from './invariant.js';

/** The invariants the database alone can answer, from already-read state. */
export function databaseInvariants(tenants: readonly TenantState[], relay: RelayState): Invariant[] {
  const sourceRows = tenants.reduce((n, t) => n + t.sourceRows, 0);
  const missing = tenants.flatMap((t) => t.missingSample.map((id) => `${t.tenant}:${id}`));
  const missingCount = tenants.reduce((n, t) => n + t.missing, 0);
  const multipleCount = tenants.reduce((n, t) => n + t.multiple, 0);
  const orphans = tenants.flatMap((t) => t.orphanSample.map((id) => `${t.tenant}:${id}`));
  const orphanCount = tenants.reduce((n, t) => n + t.orphans, 0);
  const offWatermarks = tenants.filter((t) => t.watermark !== t.maxSourceId);
  const waiting = relay.jobs - relay.lockedJobs - relay.failedJobs;
  return [
    invariant(
      'every committed source row has exactly one outbox row',
      missingCount + multipleCount,
      `${sourceRows} source rows; ${missingCount} without an outbox row${sample(missing)}, ${multipleCount} with several`,
    ),
    invariant(
      'no outbox row without a source row',
      orphanCount + relay.malformedEventIds,
      `${relay.events} outbox rows; ${orphanCount} without a source row${sample(orphans)}, ${relay.malformedEventIds} with a malformed event_id`,
    ),
    invariant(
      'delivered_at set exactly where all endpoints delivered',
      relay.markedTooEarly + relay.notMarked,
      `${relay.events} events; ${relay.markedTooEarly} marked while an endpoint was not delivered, ${relay.notMarked} delivered everywhere but not marked; ${relay.undelivered} undelivered`,
    ),
    invariant(
      'watermark = highest committed id, per tenant',
      offWatermarks.length,
      tenants
        .map((t) => `${t.tenant} ${t.watermark}${t.watermark === t.maxSourceId ? '=' : '≠'}${t.maxSourceId}`)
        .join(', '),
    ),
    invariant(
      'no job left stuck',
      relay.jobs,
      `${relay.jobs} jobs left: ${relay.lockedJobs} locked, ${relay.failedJobs} failed, ${waiting} waiting`,
    ),
  ];
}

/** Reads the state (one statement per tenant, one for the relay) and checks it. */
export async function checkDatabaseInvariants(
  db: pg.Pool | pg.ClientBase,
  options: { tenants: readonly string[]; endpointUrls: readonly string[] },
): Promise<Invariant[]> {
  const tenants: TenantState[] = [];
  for (const tenant of options.tenants) tenants.push(await readTenantState(db, tenant));
  const relay = await readRelayState(db, options.endpointUrls);
  return databaseInvariants(tenants, relay);
}
