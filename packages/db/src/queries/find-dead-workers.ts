import type pg from 'pg';

export interface DeadWorker {
  workerId: string;
  /** `stale`: heartbeats stopped; `orphan`: holds old locks and never heartbeated. */
  reason: 'stale' | 'orphan';
  lastSeenAt: Date;
}

export interface FindDeadWorkersOptions {
  /** A dispatcher silent this long is dead. */
  staleAfterMs: number;
  /**
   * A lock this old whose owner never heartbeated is dead too (a crashed stock-CLI run has
   * no heartbeat): longer than any single delivery can take, so a live `--once` run is
   * never mistaken for a dead one.
   */
  orphanLockAfterMs: number;
  /** Never report this id (the caller itself). */
  selfId: string;
}

/**
 * Worker ids whose locked jobs can be freed: dispatchers whose heartbeat is older than
 * the stale time, and lock holders with no heartbeat row whose locks are old. One query.
 */
export async function findDeadWorkers(
  db: pg.Pool | pg.ClientBase,
  options: FindDeadWorkersOptions,
): Promise<DeadWorker[]> {
  const { rows } = await db.query<{ worker_id: string; reason: 'stale' | 'orphan'; last_seen_at: Date }>(
    `select worker_id, 'stale' as reason, last_heartbeat_at as last_seen_at
       from relay.dispatcher_heartbeats
      where last_heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
        and worker_id <> $3::text
     union all
     select locked_by, 'orphan', max(locked_at)
       from graphile_worker._private_jobs j
      where locked_by is not null and locked_by <> $3::text
        and not exists (select 1 from relay.dispatcher_heartbeats h where h.worker_id = j.locked_by)
      group by locked_by
     having max(locked_at) < now() - make_interval(secs => $2::double precision / 1000)`,
    [options.staleAfterMs, options.orphanLockAfterMs, options.selfId],
  );
  return rows.map((row) => ({ workerId: row.worker_id, reason: row.reason, lastSeenAt: row.last_seen_at }));
}
