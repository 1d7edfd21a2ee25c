import type pg from 'pg';

/**
 * Creates the `event_deliveries` rows of one event for `endpointUrls` and returns the
 * endpoints whose row this call created: only those need a delivery job. A row that
 * already existed got its job in the transaction that created it, so adding one again
 * (a fan-out job run twice, e.g. after a worker was presumed dead and unlocked) would put
 * a second job beside one that may be running, and the receiver would get the event
 * twice. A row whose job is really gone is `relay reconcile --fix`'s to repair.
 * One statement, whatever the number of endpoints.
 */
export async function insertEventDeliveries(
  db: pg.Pool | pg.ClientBase,
  eventId: string,
  endpointUrls: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ endpoint_url: string }>(
    `insert into relay.event_deliveries (event_id, endpoint_url)
     select $1::text, url from unnest($2::text[]) as url
     on conflict (event_id, endpoint_url) do nothing
     returning endpoint_url`,
    [eventId, endpointUrls],
  );
  return rows.map((row) => row.endpoint_url);
}
