import type pg from 'pg';

/**
 * Schedules the next attempt of a running graphile-worker job at `runAt`, exactly.
 *
 * Why not just throw: graphile-worker 0.17 fails a job with
 * `run_at = greatest(now(), run_at) + exp(least(attempts, 10)) seconds` (sql/failJobs),
 * so the earliest retry it can express is e^attempts seconds away (2.7 s, 7.4 s, 20 s,
 * … 6.1 h from the 10th attempt on) and no run_at set beforehand can bring it closer.
 * Our schedule is configurable, so the task does graphile-worker's failure bookkeeping
 * itself: keep `attempts`, record `last_error`, unlock, set `run_at` — and give the row a
 * new id in the same statement. The task then returns normally; graphile-worker's
 * completion (`delete … where id = <old id>`) finds nothing to delete, so the job lives on
 * under its new id with its key, payload, attempts and max_attempts, and no other worker
 * can see it before `runAt`. A crash at any point leaves either the locked old row (freed
 * by the crash-recovery sweep) or the rescheduled one, never both.
 *
 * Returns false when the job is no longer locked by `lockedBy` (for example a sweep took
 * it): then nothing changed.
 */
export async function retryJobAt(
  db: pg.Pool | pg.ClientBase,
  job: { id: string; lockedBy: string },
  runAt: Date,
  lastError: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update graphile_worker._private_jobs
        set id = default, -- a new identity value: see above
            run_at = $3::timestamptz, last_error = $4::text,
            locked_by = null, locked_at = null, updated_at = now()
      where id = $1::bigint and locked_by = $2::text`,
    [job.id, job.lockedBy, runAt.toISOString(), lastError],
  );
  return (rowCount ?? 0) > 0;
}
