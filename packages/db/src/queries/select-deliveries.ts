import type pg from 'pg';
import type { DeliveryStatus } from '../schema.js';

/** Which deliveries an operator command acts on; every given field must match. */
export interface DeliveryFilter {
  statuses: readonly DeliveryStatus[];
  tenant?: string;
  eventId?: string;
  endpointUrl?: string;
  /** Only deliveries last attempted (or changed) at or after this time. */
  since?: Date;
}

export interface SelectedDelivery {
  eventId: string;
  endpointUrl: string;
  tenant: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

/** The deliveries matching `filter`, oldest first (requeue, replay and their --dry-run). */
export async function selectDeliveries(
  db: pg.Pool | pg.ClientBase,
  filter: DeliveryFilter,
): Promise<SelectedDelivery[]> {
  const { rows } = await db.query<{
    event_id: string;
    endpoint_url: string;
    tenant: string;
    status: DeliveryStatus;
    attempts: number;
    last_status_code: number | null;
    last_error: string | null;
  }>(
    `select d.event_id, d.endpoint_url, o.tenant, d.status, d.attempts, d.last_status_code, d.last_error
       from relay.event_deliveries d
       join relay.event_outbox o on o.event_id = d.event_id
      where d.status = any($1::text[])
        and ($2::text is null or o.tenant = $2::text)
        and ($3::text is null or d.event_id = $3::text)
        and ($4::text is null or d.endpoint_url = $4::text)
        and ($5::timestamptz is null or coalesce(d.last_attempt_at, d.updated_at) >= $5::timestamptz)
      order by o.created_at, d.event_id, d.endpoint_url`,
    [filter.statuses, filter.tenant ?? null, filter.eventId ?? null, filter.endpointUrl ?? null, filter.since ?? null],
  );
  return rows.map((row) => ({
    eventId: row.event_id,
    endpointUrl: row.endpoint_url,
    tenant: row.tenant,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
  }));
}
