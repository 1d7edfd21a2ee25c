import { withTimeout } from '@relay/common';
/**
 * The watcher's scrape-time gauges: per configured tenant, how far the watermark trails
 * the newest source id, how long an open transaction has held it back, and when the tenant
 * was last polled. Read from Postgres on each scrape (cheap: one row per tenant, and one
 * backward index scan per tenant's contact_messages), so they are right even when polls
 * stop, which is exactly when an operator needs them.
 */
import { readNewestSourceIds } from '@relay/db/queries/read-newest-source-ids';
import { readTenantWatermarks } from '@relay/db/queries/read-tenant-watermarks';
import type pg from 'pg';
import type { Gauge } from 'prom-client';

/** A scrape waits at most this long for the database; Prometheus' own default timeout is 10 s. */
export const SCRAPE_QUERY_TIMEOUT_MS = 2_000;

export interface WatermarkGauges {
  lagIds: Gauge<'tenant'>;
  heldBackSeconds: Gauge<'tenant'>;
  lastPollTimestampSeconds: Gauge<'tenant'>;
  databaseUp: Gauge;
}

/** Sets the gauges from the database; on failure empties them (no stale numbers) and sets `databaseUp` to 0. */
export async function refreshWatermarkGauges(
  pool: pg.Pool,
  tenants: readonly string[],
  gauges: WatermarkGauges,
  now: number = Date.now(),
): Promise<void> {
  const perTenant = [gauges.lagIds, gauges.heldBackSeconds, gauges.lastPollTimestampSeconds];
  let watermarks: Awaited<ReturnType<typeof readTenantWatermarks>>;
  let newest: Map<string, number | null>;
  try {
    [watermarks, newest] = await withTimeout(
      (async () => [await readTenantWatermarks(pool), await readNewestSourceIds(pool, tenants)] as const)(),
      SCRAPE_QUERY_TIMEOUT_MS,
    );
  } catch {
    for (const gauge of perTenant) gauge.reset();
    gauges.databaseUp.set(0);
    return;
  }
  for (const gauge of perTenant) gauge.reset();
  const byTenant = new Map(watermarks.map((w) => [w.tenant, w]));
  for (const tenant of tenants) {
    const state = byTenant.get(tenant);
    const newestId = newest.get(tenant) ?? null;
    // A tenant never polled has watermark 0; a tenant without its table has no lag to report.
    if (newestId !== null) gauges.lagIds.set({ tenant }, Math.max(0, newestId - (state?.lastSeenId ?? 0)));
    // Held back: the pending advance is armed and still waits for an older transaction to end.
    const heldBackSince = state?.horizonPassed === false ? state.pendingSince : null;
    gauges.heldBackSeconds.set({ tenant }, heldBackSince ? Math.max(0, (now - heldBackSince.getTime()) / 1000) : 0);
    if (state?.lastPollAt) gauges.lastPollTimestampSeconds.set({ tenant }, state.lastPollAt.getTime() / 1000);
  }
  gauges.databaseUp.set(1);
}
