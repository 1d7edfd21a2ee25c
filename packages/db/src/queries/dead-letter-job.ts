import type pg from 'pg';

/**
 * Turns the running job into a dead letter: permanently failed in graphile-worker's own
 * terms (`attempts = max_attempts`, as its `permanently_fail_jobs` does), `last_error` =
 * the reason, unlocked, and due now — so an operator's
 * `graphile_worker.reschedule_jobs(array[id], attempts := 0)` (or `relay requeue`) runs it
 * at once with a full attempt budget.
 *
 * Why not throw and let graphile-worker fail it: its failure pushes `run_at` to
 * `greatest(now(), run_at) + exp(least(attempts, 10))` seconds, up to 6 hours ahead, and
 * `reschedule_jobs` keeps that run_at, so a requeued dead letter would wait hours. The row
 * gets a new id in the same statement (as in `retryJobAt`), so graphile-worker's
 * completion of the old id, when the task returns, deletes nothing.
 */
export async function deadLetterJob(
  db: pg.Pool | pg.ClientBase,
  job: { id: string; lockedBy: string },
  lastError: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update graphile_worker._private_jobs
        set id = default, -- a new identity value: see above
            attempts = max_attempts, last_error = $3::text, run_at = now(),
            locked_by = null, locked_at = null, updated_at = now()
      where id = $1::bigint and locked_by = $2::text`,
    [job.id, job.lockedBy, lastError],
  );
  return (rowCount ?? 0) > 0;
}
