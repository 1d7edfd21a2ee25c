/**
 * Used by the watcher: the first statement of the poll transaction. Locks the tenant's
 * `watcher_state` row with `SKIP LOCKED` (a concurrent poll of the same tenant gets no
 * row and reports busy instead of waiting) and, in the same statement and therefore the
 * same snapshot, reads what the gap-safe watermark needs:
 *
 * - `matured`: the armed horizon `pending_xmax` has been passed by the snapshot's xmin,
 *   i.e. every transaction that was running when it was armed has ended. Evaluated in
 *   SQL so xid8 values never go through a JavaScript number.
 * - `lag_elapsed`: the pending value is older than the safety lag. `statement_timestamp()`
 *   is taken before this statement's snapshot, so "elapsed" holds for the snapshot too.
 * - `own_xid`: this transaction's xid (the row lock assigns it during this statement, so
 *   after `statement_timestamp()`); stored as the armed horizon when the pending value is
 *   armed by this poll. Not `pg_snapshot_xmax`: that is only "latest completed xid + 1", so
 *   a transaction that took its xid after the last commit is running yet not below it, and
 *   a later xmin could pass the horizon while that transaction still holds an id ≤ M.
 *   Every xid assigned before this statement started is below our own.
 *
 * Returns undefined when the row is locked by another poll (or does not exist).
 */
import type pg from 'pg';

export interface LockedWatcherState {
  lastSeenId: number;
  pendingMaxId: number | null;
  /** xid8 as decimal text; null while the pending value is recorded but not armed. */
  pendingXmax: string | null;
  /** Milliseconds since the pending value was recorded; null without one. */
  pendingAgeMs: number | null;
  lagElapsed: boolean;
  matured: boolean;
  /** This transaction's own xid (assigned during the lock statement), xid8 as decimal text. */
  ownXid: string;
}

interface Row {
  last_seen_id: string;
  pending_max_id: string | null;
  pending_xmax: string | null;
  pending_age_ms: number | null;
  lag_elapsed: boolean;
  matured: boolean;
  own_xid: string;
}

export async function lockWatcherState(
  tx: pg.ClientBase,
  tenant: string,
  safetyLagMs: number,
): Promise<LockedWatcherState | undefined> {
  const { rows } = await tx.query<Row>(
    `select s.last_seen_id::text as last_seen_id,
            s.pending_max_id::text as pending_max_id,
            s.pending_xmax::text as pending_xmax,
            (extract(epoch from statement_timestamp() - s.pending_since) * 1000)::float8 as pending_age_ms,
            coalesce(statement_timestamp() - s.pending_since >= $2::float8 * interval '1 millisecond', false)
              as lag_elapsed,
            coalesce(pg_snapshot_xmin(pg_current_snapshot())::text::bigint >= s.pending_xmax, false) as matured,
            pg_current_xact_id()::text as own_xid
       from relay.watcher_state s
      where s.tenant = $1::text
        for update skip locked`,
    [tenant, safetyLagMs],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    lastSeenId: Number(row.last_seen_id),
    pendingMaxId: row.pending_max_id === null ? null : Number(row.pending_max_id),
    pendingXmax: row.pending_xmax,
    pendingAgeMs: row.pending_age_ms === null ? null : Math.max(0, Math.round(row.pending_age_ms)),
    lagElapsed: row.lag_elapsed,
    matured: row.matured,
    ownXid: row.own_xid,
  };
}
