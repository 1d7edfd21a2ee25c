/**
 * Used by the watcher: one `contact.created` outbox row per claimed contact message, in
 * one statement whatever the batch size. The payload is built here, in the seed's exact
 * shape: `{event_id, event_type, tenant, contact_message_id, observed_at, data}`, with
 * `contact_message_id` a JSON number and `observed_at` ISO-8601 UTC (millisecond
 * precision, like JavaScript's `toISOString`).
 *
 * `ON CONFLICT (event_id) DO NOTHING RETURNING` gives back only the events this statement
 * really inserted: the caller enqueues jobs for those and no others.
 */
import type pg from 'pg';
import { CONTACT_CREATED, contactCreatedEventId } from '../tasks.js';

export interface ContactMessageForEvent {
  id: number;
  /** JSON object text for the payload's `data`. */
  data: string;
}

export interface InsertedEvent {
  eventId: string;
  contactMessageId: number;
}

export async function insertContactCreatedEvents(
  tx: pg.ClientBase,
  tenant: string,
  messages: readonly ContactMessageForEvent[],
): Promise<InsertedEvent[]> {
  if (messages.length === 0) return [];
  const { rows } = await tx.query<{ event_id: string; contact_message_id: string }>(
    `insert into relay.event_outbox (event_id, event_type, tenant, contact_message_id, payload)
     select m.event_id, $1::text, $2::text, m.id,
            jsonb_build_object(
              'event_id', m.event_id,
              'event_type', $1::text,
              'tenant', $2::text,
              'contact_message_id', m.id,
              'observed_at', to_char(statement_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'data', m.data::jsonb)
       from unnest($3::bigint[], $4::text[], $5::text[]) as m(id, event_id, data)
      order by m.id
     on conflict (event_id) do nothing
     returning event_id, contact_message_id::text as contact_message_id`,
    [
      CONTACT_CREATED,
      tenant,
      messages.map((m) => m.id),
      messages.map((m) => contactCreatedEventId(tenant, m.id)),
      messages.map((m) => m.data),
    ],
  );
  return rows
    .map((row) => ({ eventId: row.event_id, contactMessageId: Number(row.contact_message_id) }))
    .sort((a, b) => a.contactMessageId - b.contactMessageId);
}
