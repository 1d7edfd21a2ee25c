import type pg from 'pg';
import type { DeliveryStatus } from '../schema.js';

export interface EndpointDeliveryCounts {
  endpointUrl: string;
  pending: number;
  delivered: number;
  failed: number;
}

/** Deliveries by status for each endpoint (what `relay status` shows). */
export async function countDeliveriesByEndpoint(db: pg.Pool | pg.ClientBase): Promise<EndpointDeliveryCounts[]> {
  const { rows } = await db.query<{ endpoint_url: string; status: DeliveryStatus; n: string }>(
    `select endpoint_url, status, count(*) as n
       from relay.event_deliveries
      group by endpoint_url, status
      order by endpoint_url`,
  );
  const byEndpoint = new Map<string, EndpointDeliveryCounts>();
  for (const row of rows) {
    const counts = byEndpoint.get(row.endpoint_url) ?? {
      endpointUrl: row.endpoint_url,
      pending: 0,
      delivered: 0,
      failed: 0,
    };
    counts[row.status] = Number(row.n);
    byEndpoint.set(row.endpoint_url, counts);
  }
  return [...byEndpoint.values()];
}
