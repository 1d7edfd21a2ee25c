import type pg from 'pg';

/**
 * Hand-made relay states for the invariant checker's tests: outbox rows as the watcher
 * would write them, delivery rows as the dispatcher would, and a watermark.
 */
export async function insertEvents(
  db: pg.Pool,
  tenant: string,
  ids: readonly number[],
  options: { deliveredTo?: readonly string[]; markDelivered?: boolean } = {},
): Promise<string[]> {
  const { rows } = await db.query<{ event_id: string }>(
    `insert into relay.event_outbox (event_id, event_type, tenant, contact_message_id, payload, delivered_at)
     select 'contact.created:' || $1::text || ':' || id, 'contact.created', $1::text, id, '{}'::jsonb,
            case when $3::boolean then now() end
       from unnest($2::bigint[]) as id
     returning event_id`,
    [tenant, ids, options.markDelivered ?? false],
  );
  const eventIds = rows.map((r) => r.event_id);
  if (options.deliveredTo?.length) {
    await db.query(
      `insert into relay.event_deliveries (event_id, endpoint_url, status, attempts, delivered_at)
       select e, u, 'delivered', 1, now() from unnest($1::text[]) as e, unnest($2::text[]) as u`,
      [eventIds, options.deliveredTo],
    );
  }
  return eventIds;
}

export async function setWatermark(db: pg.Pool, tenant: string, lastSeenId: number): Promise<void> {
  await db.query(
    `insert into relay.watcher_state (tenant, last_seen_id) values ($1::text, $2::bigint)
     on conflict (tenant) do update set last_seen_id = excluded.last_seen_id`,
    [tenant, lastSeenId],
  );
}
