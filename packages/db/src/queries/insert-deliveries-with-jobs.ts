import type pg from 'pg';
import { DELIVERY_JOB_PRIORITY, deliveryJobKey } from './delivery-job-key.js';

export interface InsertDeliveriesWithJobsOptions {
  taskIdentifier: string;
  eventId: string;
  endpointUrls: readonly string[];
  maxAttempts: number;
}

/**
 * Fans one event out: creates its `event_deliveries` rows for `endpointUrls` and enqueues
 * one delivery job (`job_key` from event and endpoint) for each row THIS call created,
 * with one `graphile_worker.add_jobs` call, at `DELIVERY_JOB_PRIORITY` (ahead of fan-out
 * jobs). Returns how many jobs it enqueued.
 *
 * One statement, so one round trip and atomic without BEGIN/COMMIT: a delivery row never
 * exists without its job. The data-modifying CTE's `returning` feeds `add_jobs`, so only
 * the rows created here get a job. A row that already existed got its job in the statement
 * that created it; adding one again (a fan-out job run twice, e.g. after a worker was
 * presumed dead and unlocked) would put a second job beside one that may be running, and
 * the receiver would get the event twice. A row whose job is really gone is
 * `relay reconcile --fix`'s to repair.
 *
 * Throws the foreign-key violation (23503) when the event is not in `event_outbox`.
 */
export async function insertDeliveriesWithJobs(
  db: pg.Pool | pg.ClientBase,
  options: InsertDeliveriesWithJobsOptions,
): Promise<number> {
  if (options.endpointUrls.length === 0) return 0;
  const { rows } = await db.query<{ enqueued: number }>(
    `with created as (
       insert into relay.event_deliveries (event_id, endpoint_url)
       select $2::text, url from unnest($4::text[]) as url
       on conflict (event_id, endpoint_url) do nothing
       returning endpoint_url
     )
     select count(*)::int as enqueued
       from graphile_worker.add_jobs(
              array(
                select row(
                  $1::text,
                  json_build_object('event_id', $2::text, 'endpoint_url', spec.url),
                  null, null, $3::smallint, spec.key, $6::int, null
                )::graphile_worker.job_spec
                from created
                join unnest($4::text[], $5::text[]) as spec(url, key) on spec.url = created.endpoint_url
              )
            )`,
    [
      options.taskIdentifier,
      options.eventId,
      options.maxAttempts,
      options.endpointUrls,
      options.endpointUrls.map((url) => deliveryJobKey(options.eventId, url)),
      DELIVERY_JOB_PRIORITY,
    ],
  );
  return rows[0]?.enqueued ?? 0;
}
