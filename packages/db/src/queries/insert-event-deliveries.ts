import type pg from 'pg';

/**
 * Creates the `event_deliveries` rows of one event for `endpointUrls` (existing rows are
 * kept as they are) and returns the endpoints that still need a delivery job: those whose
 * row is `pending`. Delivered endpoints are skipped; `failed` ones wait for an operator's
 * requeue. One statement, whatever the number of endpoints.
 */
export async function insertEventDeliveries(
  db: pg.Pool | pg.ClientBase,
  eventId: string,
  endpointUrls: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ endpoint_url: string }>(
    `with inserted as (
       insert into relay.event_deliveries (event_id, endpoint_url)
       select $1::text, url from unnest($2::text[]) as url
       on conflict (event_id, endpoint_url) do nothing
       returning endpoint_url
     )
     select endpoint_url from inserted
     union
     select endpoint_url from relay.event_deliveries
      where event_id = $1::text and endpoint_url = any($2::text[]) and status = 'pending'`,
    [eventId, endpointUrls],
  );
  return rows.map((row) => row.endpoint_url);
}
