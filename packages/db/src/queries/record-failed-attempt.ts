import type pg from 'pg';

export interface FailedAttempt {
  statusCode: number | null;
  error: string;
  /** When to try again; absent for a failure for good (a dead letter). */
  retryAt?: Date;
}

export interface FailedAttemptResult {
  /** False when the delivery row was already delivered: it was left alone. */
  deliveryUpdated: boolean;
  /** False when the job is no longer locked by this worker (e.g. a sweep took it): it was left alone. */
  jobUpdated: boolean;
}

/**
 * Records a failed attempt of a running delivery job, in one statement (atomic, one round
 * trip): the delivery row becomes `pending` (a retry at `retryAt`) or `failed` (a dead
 * letter), and the job is rescheduled or dead-lettered in graphile-worker's table.
 *
 * The delivery row is never touched once delivered: a late duplicate run must not turn a
 * success back into a failure.
 *
 * Why the task does graphile-worker's failure bookkeeping instead of throwing: graphile-worker
 * 0.17 fails a job with `run_at = greatest(now(), run_at) + exp(least(attempts, 10))` seconds
 * (sql/failJobs), so the earliest retry it can express is e^attempts seconds away (2.7 s,
 * 7.4 s, 20 s, … 6.1 h from the 10th attempt on), and a requeued dead letter
 * (`reschedule_jobs` keeps run_at) would wait hours. Our schedule is configurable, so:
 * - a retry keeps `attempts`, records `last_error`, unlocks, sets `run_at` = `retryAt`;
 * - a dead letter is permanently failed in graphile-worker's own terms (`attempts =
 *   max_attempts`, as `permanently_fail_jobs` does), `last_error` = the reason, unlocked and
 *   due now, so `reschedule_jobs(array[id], attempts := 0)` or `relay requeue` runs it at
 *   once with a full attempt budget;
 * and either way the row gets a new id in the same statement. The task then returns
 * normally; graphile-worker's completion (`delete … where id = <old id>`) finds nothing to
 * delete, so the job lives on under its new id with its key, payload and max_attempts, and
 * no other worker can see it before `run_at`. A crash at any point leaves either the locked
 * old row (freed by the crash-recovery sweep) or the rescheduled one, never both.
 */
export async function recordFailedAttempt(
  db: pg.Pool | pg.ClientBase,
  job: { id: string; lockedBy: string },
  delivery: { eventId: string; endpointUrl: string },
  failure: FailedAttempt,
): Promise<FailedAttemptResult> {
  const deadLetter = failure.retryAt === undefined;
  const { rows } = await db.query<{ delivery_updated: boolean; job_updated: boolean }>(
    `with delivery as (
       update relay.event_deliveries
          set status = case when $5::boolean then 'failed' else 'pending' end,
              attempts = attempts + 1, last_status_code = $6::int, last_error = $7::text,
              last_attempt_at = now(), updated_at = now()
        where event_id = $3::text and endpoint_url = $4::text and status <> 'delivered'
       returning 1
     ), job as (
       update graphile_worker._private_jobs
          set id = default, -- a new identity value: see above
              attempts = case when $5::boolean then max_attempts else attempts end,
              run_at = coalesce($8::timestamptz, now()), last_error = $7::text,
              locked_by = null, locked_at = null, updated_at = now()
        where id = $1::bigint and locked_by = $2::text
       returning 1
     )
     select exists (select 1 from delivery) as delivery_updated, exists (select 1 from job) as job_updated`,
    [
      job.id,
      job.lockedBy,
      delivery.eventId,
      delivery.endpointUrl,
      deadLetter,
      failure.statusCode,
      failure.error,
      failure.retryAt?.toISOString() ?? null,
    ],
  );
  return { deliveryUpdated: rows[0]?.delivery_updated ?? false, jobUpdated: rows[0]?.job_updated ?? false };
}
