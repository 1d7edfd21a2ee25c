import type pg from 'pg';
import { assertTenantName, quoteIdent } from '../tenant.js';

/**
 * Source ids in (`afterId`, watermark] with no outbox row: rows the relay passed over. There
 * must be none (event ids are deterministic, so this is exact). `afterId` excludes what
 * retention removed. Returns at most `limit` ids and the total count.
 */
export async function findUnemittedSourceIds(
  db: pg.Pool | pg.ClientBase,
  options: { tenant: string; afterId: number; throughId: number; limit: number },
): Promise<{ count: number; ids: number[] }> {
  const table = `${quoteIdent(assertTenantName(options.tenant))}.contact_messages`;
  const { rows } = await db.query<{ id: string; total: string }>(
    `select c.id, count(*) over () as total
       from ${table} c
      where c.id > $2::bigint and c.id <= $3::bigint
        and not exists (select 1 from relay.event_outbox o where o.tenant = $1::text and o.contact_message_id = c.id)
      order by c.id
      limit $4::int`,
    [options.tenant, options.afterId, options.throughId, options.limit],
  );
  return { count: Number(rows[0]?.total ?? 0), ids: rows.map((row) => Number(row.id)) };
}
