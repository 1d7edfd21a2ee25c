import type pg from 'pg';
import { DELIVER_TASK } from '../tasks.js';
import { DELIVERY_JOB_PRIORITY, deliveryJobKey } from './delivery-job-key.js';

export interface DeliveryRef {
  eventId: string;
  endpointUrl: string;
}

/**
 * Sends deliveries again: each goes back to `pending` (its event to undelivered) and gets
 * its delivery job with a fresh attempt budget, in one transaction on `tx`. The job is
 * added under the delivery's `job_key`, so graphile-worker updates an existing job in place
 * (a dead letter is revived with attempts reset, not copied) and never adds a second one
 * next to a pending job. Four statements, whatever the number of deliveries.
 *
 * Used by `relay requeue` (failed deliveries) and `relay replay` (even delivered ones).
 */
export async function requeueDeliveries(
  tx: pg.ClientBase,
  deliveries: readonly DeliveryRef[],
  maxAttempts: number,
): Promise<number> {
  if (deliveries.length === 0) return 0;
  const eventIds = deliveries.map((d) => d.eventId);
  const endpointUrls = deliveries.map((d) => d.endpointUrl);
  const { rowCount } = await tx.query(
    `update relay.event_deliveries d
        set status = 'pending', delivered_at = null, updated_at = now()
       from unnest($1::text[], $2::text[]) as r(event_id, endpoint_url)
      where d.event_id = r.event_id and d.endpoint_url = r.endpoint_url`,
    [eventIds, endpointUrls],
  );
  await tx.query(
    `update relay.event_outbox set delivered_at = null
      where event_id = any($1::text[]) and delivered_at is not null`,
    [eventIds],
  );
  const keys = deliveries.map((d) => deliveryJobKey(d.eventId, d.endpointUrl));
  // A dead letter (attempts = max_attempts) is not "available" to graphile-worker, and
  // add_jobs would orphan it (key cleared) beside a new job: revive it in place first,
  // as an operator's `reschedule_jobs(…, attempts := 0)` would.
  await tx.query(
    `select 1 from graphile_worker.reschedule_jobs(
       array(select id from graphile_worker._private_jobs
              where key = any($1::text[]) and locked_at is null and attempts >= max_attempts),
       run_at := now(), attempts := 0, max_attempts := $2::int)`,
    [keys, maxAttempts],
  );
  // Then one add_jobs under the same keys: it updates a waiting job in place (attempts
  // reset) and creates the job of a delivery that has none.
  await tx.query(
    `select 1 from graphile_worker.add_jobs(
       array(
         select row($1::text, json_build_object('event_id', e, 'endpoint_url', u), null, null, $2::smallint, k, $6::int, null)
                  ::graphile_worker.job_spec
           from unnest($3::text[], $4::text[], $5::text[]) as r(e, u, k)
       )
     )`,
    [
      DELIVER_TASK,
      maxAttempts,
      eventIds,
      endpointUrls,
      deliveries.map((d) => deliveryJobKey(d.eventId, d.endpointUrl)),
      DELIVERY_JOB_PRIORITY,
    ],
  );
  return rowCount ?? 0;
}
