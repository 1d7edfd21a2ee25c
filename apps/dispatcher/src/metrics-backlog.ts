import { withTimeout } from '@relay/common';
import { readOutboxBacklog } from '@relay/db/queries/read-outbox-backlog';
import { readTenantWatermarks } from '@relay/db/queries/read-tenant-watermarks';
import type pg from 'pg';
import type { Gauge } from 'prom-client';

/** A scrape waits at most this long for the database; Prometheus' own default timeout is 10 s. */
export const SCRAPE_QUERY_TIMEOUT_MS = 2_000;

export interface BacklogGauges {
  undelivered: Gauge<'tenant'>;
  oldestAgeSeconds: Gauge<'tenant'>;
  databaseUp: Gauge;
}

/**
 * Refreshes the outbox gauges at scrape time: two cheap queries (undelivered events per
 * tenant from the partial index on them, and the tenant list from `watcher_state` so a
 * drained tenant reads 0 instead of vanishing). When the database does not answer in
 * time the gauges are emptied (no stale numbers) and `relay_database_up` reads 0.
 */
export async function refreshBacklogGauges(
  pool: pg.Pool,
  gauges: BacklogGauges,
  now: number = Date.now(),
): Promise<void> {
  let backlog: Awaited<ReturnType<typeof readOutboxBacklog>>;
  let tenants: string[];
  try {
    [backlog, tenants] = await withTimeout(
      (async () => {
        const rows = await readOutboxBacklog(pool);
        const known = (await readTenantWatermarks(pool)).map((w) => w.tenant);
        return [rows, known] as const;
      })(),
      SCRAPE_QUERY_TIMEOUT_MS,
    );
  } catch {
    gauges.undelivered.reset();
    gauges.oldestAgeSeconds.reset();
    gauges.databaseUp.set(0);
    return;
  }
  gauges.undelivered.reset();
  gauges.oldestAgeSeconds.reset();
  for (const tenant of tenants) {
    gauges.undelivered.set({ tenant }, 0);
    gauges.oldestAgeSeconds.set({ tenant }, 0);
  }
  for (const row of backlog) {
    gauges.undelivered.set({ tenant: row.tenant }, row.undelivered);
    const oldest = row.oldestUndeliveredAt?.getTime();
    gauges.oldestAgeSeconds.set({ tenant: row.tenant }, oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000));
  }
  gauges.databaseUp.set(1);
}
