import type pg from 'pg';
import type { DeliveryStatus } from '../schema.js';

export interface DeliveryToSend {
  status: DeliveryStatus;
  attempts: number;
  /** The stored event payload, as JSON text: exactly the bytes to send. */
  payload: string;
}

/** The state of one (event, endpoint) delivery and its payload; undefined when unknown. */
export async function getDelivery(
  db: pg.Pool | pg.ClientBase,
  eventId: string,
  endpointUrl: string,
): Promise<DeliveryToSend | undefined> {
  const { rows } = await db.query<DeliveryToSend>(
    `select d.status, d.attempts, o.payload::text as payload
       from relay.event_deliveries d
       join relay.event_outbox o on o.event_id = d.event_id
      where d.event_id = $1::text and d.endpoint_url = $2::text`,
    [eventId, endpointUrl],
  );
  return rows[0];
}
