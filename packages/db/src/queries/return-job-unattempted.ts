import type pg from 'pg';

/**
 * Hands a running job back to the queue as if this run never happened (like
 * graphile-worker's own `returnJobs`): used when a shutdown interrupts a delivery, so
 * the attempt does not count against the delivery's budget. Same new-id trick as
 * `recordFailedAttempt`, so graphile-worker's completion of the old id is a no-op.
 */
export async function returnJobUnattempted(
  db: pg.Pool | pg.ClientBase,
  job: { id: string; lockedBy: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update graphile_worker._private_jobs
        set id = default, -- a new identity value: see above
            attempts = greatest(0, attempts - 1), run_at = now(),
            locked_by = null, locked_at = null, updated_at = now()
      where id = $1::bigint and locked_by = $2::text`,
    [job.id, job.lockedBy],
  );
  return (rowCount ?? 0) > 0;
}
