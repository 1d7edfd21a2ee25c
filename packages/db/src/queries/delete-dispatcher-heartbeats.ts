import type pg from 'pg';

/** Forgets dispatcher instances (after a clean stop, or once their jobs were unlocked). */
export async function deleteDispatcherHeartbeats(
  db: pg.Pool | pg.ClientBase,
  workerIds: readonly string[],
): Promise<void> {
  if (workerIds.length === 0) return;
  await db.query('delete from relay.dispatcher_heartbeats where worker_id = any($1::text[])', [workerIds]);
}
