import type pg from 'pg';

export interface TenantWatermark {
  tenant: string;
  lastSeenId: number;
  pendingMaxId: number | null;
  /** The pending advance waits for transactions older than it was recorded: true once they ended. */
  horizonPassed: boolean | null;
  pendingSince: Date | null;
  lastPollAt: Date | null;
  /** Source ids at or below this may have had their delivered events removed by retention. */
  prunedThroughId: number;
}

/** Every tenant's watermark and pending horizon (relay status, metrics). One query. */
export async function readTenantWatermarks(db: pg.Pool | pg.ClientBase): Promise<TenantWatermark[]> {
  const { rows } = await db.query<{
    tenant: string;
    last_seen_id: string;
    pending_max_id: string | null;
    horizon_passed: boolean | null;
    pending_since: Date | null;
    last_poll_at: Date | null;
    pruned_through_id: string;
  }>(
    `select tenant, last_seen_id, pending_max_id, pending_since, last_poll_at, pruned_through_id,
            case when pending_xmax is null then null
                 else pg_snapshot_xmin(pg_current_snapshot())::text::bigint >= pending_xmax end as horizon_passed
       from relay.watcher_state
      order by tenant`,
  );
  return rows.map((row) => ({
    tenant: row.tenant,
    lastSeenId: Number(row.last_seen_id),
    pendingMaxId: row.pending_max_id === null ? null : Number(row.pending_max_id),
    horizonPassed: row.horizon_passed,
    pendingSince: row.pending_since,
    lastPollAt: row.last_poll_at,
    prunedThroughId: Number(row.pruned_through_id),
  }));
}
