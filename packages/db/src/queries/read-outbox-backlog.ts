import type pg from 'pg';

export interface OutboxBacklog {
  tenant: string;
  undelivered: number;
  oldestUndeliveredAt: Date | null;
}

/** Undelivered events per tenant and the oldest one's age, from the partial index on them. */
export async function readOutboxBacklog(db: pg.Pool | pg.ClientBase): Promise<OutboxBacklog[]> {
  const { rows } = await db.query<{ tenant: string; undelivered: string; oldest: Date | null }>(
    `select tenant, count(*) as undelivered, min(created_at) as oldest
       from relay.event_outbox
      where delivered_at is null
      group by tenant
      order by tenant`,
  );
  return rows.map((row) => ({
    tenant: row.tenant,
    undelivered: Number(row.undelivered),
    oldestUndeliveredAt: row.oldest,
  }));
}
