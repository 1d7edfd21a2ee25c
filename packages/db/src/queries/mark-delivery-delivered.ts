import type pg from 'pg';

export interface MarkDeliveredResult {
  /** False when the row was already delivered (a duplicate run): nothing changed. */
  updated: boolean;
  /** True when this call completed the event (every endpoint delivered). */
  eventDelivered: boolean;
}

/**
 * Records a successful delivery and, once every endpoint row of the event is delivered,
 * sets `event_outbox.delivered_at`. Call it inside a transaction: it locks the event's
 * outbox row first so that two endpoints finishing at the same moment cannot both miss
 * that the other one is done. Guards keep state moving forward only.
 */
export async function markDeliveryDelivered(
  tx: pg.ClientBase,
  eventId: string,
  endpointUrl: string,
  statusCode: number,
): Promise<MarkDeliveredResult> {
  await tx.query('select 1 from relay.event_outbox where event_id = $1::text for update', [eventId]);
  const delivery = await tx.query(
    `update relay.event_deliveries
        set status = 'delivered', attempts = attempts + 1, last_status_code = $3::int, last_error = null,
            last_attempt_at = now(), delivered_at = now(), updated_at = now()
      where event_id = $1::text and endpoint_url = $2::text and status <> 'delivered'`,
    [eventId, endpointUrl, statusCode],
  );
  const outbox = await tx.query(
    `update relay.event_outbox o set delivered_at = now()
      where o.event_id = $1::text and o.delivered_at is null
        and not exists (
          select 1 from relay.event_deliveries d where d.event_id = o.event_id and d.status <> 'delivered'
        )`,
    [eventId],
  );
  return { updated: (delivery.rowCount ?? 0) > 0, eventDelivered: (outbox.rowCount ?? 0) > 0 };
}
