import type pg from 'pg';

/** The `job_key` of the delivery job of (event, endpoint): one live job per delivery. */
export function deliveryJobKey(eventId: string, endpointUrl: string): string {
  return `relay_deliver:${eventId}:${endpointUrl}`;
}

export interface AddDeliveryJobsOptions {
  taskIdentifier: string;
  eventId: string;
  endpointUrls: readonly string[];
  maxAttempts: number;
}

/**
 * Enqueues one delivery job per endpoint with a single `graphile_worker.add_jobs` call.
 * Run it inside the transaction that created the delivery rows, on the same client, so
 * a delivery row never exists without its job.
 */
export async function addDeliveryJobs(db: pg.ClientBase, options: AddDeliveryJobsOptions): Promise<number> {
  if (options.endpointUrls.length === 0) return 0;
  const { rowCount } = await db.query(
    `select 1 from graphile_worker.add_jobs(
       array(
         select row(
           $1::text,
           json_build_object('event_id', $2::text, 'endpoint_url', url),
           null, null, $3::smallint, key, null, null
         )::graphile_worker.job_spec
         from unnest($4::text[], $5::text[]) as spec(url, key)
       )
     )`,
    [
      options.taskIdentifier,
      options.eventId,
      options.maxAttempts,
      options.endpointUrls,
      options.endpointUrls.map((url) => deliveryJobKey(options.eventId, url)),
    ],
  );
  return rowCount ?? 0;
}
