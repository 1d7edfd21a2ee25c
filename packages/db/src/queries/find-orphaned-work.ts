import type pg from 'pg';
import { FAN_OUT_TASK } from '../tasks.js';
import type { DeliveryRef } from './requeue-deliveries.js';

export interface OrphanedWork {
  /** Pending deliveries with no graphile-worker job to carry them out. */
  deliveries: DeliveryRef[];
  /** Undelivered events with no delivery rows and no fan-out job. */
  events: string[];
}

/**
 * Work that nothing will ever do: what `relay reconcile` reports and `--fix` re-enqueues.
 * Both lists must be empty in a healthy relay (jobs and rows are created in one transaction).
 */
export async function findOrphanedWork(db: pg.Pool | pg.ClientBase, tenant?: string): Promise<OrphanedWork> {
  const deliveries = await db.query<{ event_id: string; endpoint_url: string }>(
    `select d.event_id, d.endpoint_url
       from relay.event_deliveries d
       join relay.event_outbox o on o.event_id = d.event_id
      where d.status = 'pending' and ($1::text is null or o.tenant = $1::text)
        and not exists (select 1 from graphile_worker._private_jobs j
                         where j.key = 'relay_deliver:' || d.event_id || ':' || d.endpoint_url)
      order by d.event_id, d.endpoint_url`,
    [tenant ?? null],
  );
  const events = await db.query<{ event_id: string }>(
    `select o.event_id
       from relay.event_outbox o
      where o.delivered_at is null and ($1::text is null or o.tenant = $1::text)
        and not exists (select 1 from relay.event_deliveries d where d.event_id = o.event_id)
        and not exists (select 1 from graphile_worker._private_jobs j
                         join graphile_worker._private_tasks t on t.id = j.task_id
                        where j.key = o.event_id and t.identifier = $2::text)
      order by o.event_id`,
    [tenant ?? null, FAN_OUT_TASK],
  );
  return {
    deliveries: deliveries.rows.map((row) => ({ eventId: row.event_id, endpointUrl: row.endpoint_url })),
    events: events.rows.map((row) => row.event_id),
  };
}
