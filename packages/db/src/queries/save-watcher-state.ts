/**
 * Used by the watcher: writes the tenant's watermark and pending horizon at the end of the
 * poll transaction. A newly recorded pending value gets `pending_since = clock_timestamp()`:
 * the time of this statement, after the claim's snapshot, so any transaction holding a
 * lower id had already taken it by then (the safety lag counts from here).
 */
import type pg from 'pg';

export interface WatcherStateUpdate {
  tenant: string;
  lastSeenId: number;
  /** null clears the pending horizon. */
  pendingMaxId: number | null;
  /** xid8 as decimal text; null while recorded but not armed. */
  pendingXmax: string | null;
  /** true when the pending value is new: its clock starts now. */
  pendingIsNew: boolean;
}

export async function saveWatcherState(tx: pg.ClientBase, update: WatcherStateUpdate): Promise<void> {
  await tx.query(
    `update relay.watcher_state
        set last_seen_id = $2::bigint,
            pending_max_id = $3::bigint,
            pending_xmax = $4::bigint,
            pending_since = case when $3::bigint is null then null
                                 when $5::boolean then clock_timestamp()
                                 else pending_since end,
            last_poll_at = now(),
            updated_at = now()
      where tenant = $1::text`,
    [update.tenant, update.lastSeenId, update.pendingMaxId, update.pendingXmax, update.pendingIsNew],
  );
}
