import type pg from 'pg';

/**
 * Makes the running job's current attempt its last (`max_attempts = attempts`), so that
 * when the task then throws, graphile-worker records the failure (`last_error`) and the
 * job stays in its table as permanently failed: the dead letter an operator requeues with
 * `graphile_worker.reschedule_jobs(array[id], attempts := 0)` or `relay requeue`.
 */
export async function failJobPermanently(
  db: pg.Pool | pg.ClientBase,
  job: { id: string; lockedBy: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update graphile_worker._private_jobs
        set max_attempts = greatest(attempts, 1), updated_at = now()
      where id = $1::bigint and locked_by = $2::text`,
    [job.id, job.lockedBy],
  );
  return (rowCount ?? 0) > 0;
}
