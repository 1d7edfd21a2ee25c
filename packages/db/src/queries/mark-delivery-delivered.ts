import type pg from 'pg';

export interface MarkDeliveredResult {
  /** False when the row was already delivered (a duplicate run): nothing changed. */
  updated: boolean;
  /** True when this call completed the event (every endpoint delivered). */
  eventDelivered: boolean;
}

/**
 * Records a successful delivery and, once every endpoint row of the event is delivered,
 * sets `event_outbox.delivered_at`. One round trip: `relay.mark_delivery_delivered`
 * (migration 0002) locks the event's outbox row first, then checks in a statement of its
 * own, with a fresh snapshot, whether every endpoint is done, so two endpoints finishing
 * at the same moment cannot both miss that the other one is done. Call it outside an
 * explicit transaction or in a READ COMMITTED one (the function refuses any other level).
 * Guards keep state moving forward only.
 */
export async function markDeliveryDelivered(
  db: pg.Pool | pg.ClientBase,
  eventId: string,
  endpointUrl: string,
  statusCode: number,
): Promise<MarkDeliveredResult> {
  const { rows } = await db.query<{ updated: boolean; event_delivered: boolean }>(
    'select updated, event_delivered from relay.mark_delivery_delivered($1::text, $2::text, $3::int)',
    [eventId, endpointUrl, statusCode],
  );
  const row = rows[0];
  return { updated: row?.updated ?? false, eventDelivered: row?.event_delivered ?? false };
}
