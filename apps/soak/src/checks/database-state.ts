import { assertTenantName, quoteIdent } from '@relay/db';
import type pg from 'pg';

/** Source rows against the outbox and watermark, for one tenant. */
export interface TenantState {
  tenant: string;
  sourceRows: number;
  maxSourceId: number;
  /** Committed source rows with no outbox row: lost events. */
  missing: number;
  missingSample: number[];
  /** Source rows with more than one outbox row: invented duplicates. */
  multiple: number;
  /** Outbox rows whose source row does not exist. */
  orphans: number;
  orphanSample: number[];
  watermark: number;
}

/** The relay-wide state: events, delivered_at consistency, jobs. */
export interface RelayState {
  events: number;
  undelivered: number;
  /** Events whose event_id is not `contact.created:{tenant}:{id}`. */
  malformedEventIds: number;
  /** delivered_at set although some endpoint has no delivered row. */
  markedTooEarly: number;
  /** Every endpoint delivered, but delivered_at still null. */
  notMarked: number;
  deliveriesByStatus: Record<string, number>;
  jobs: number;
  lockedJobs: number;
  failedJobs: number;
}

/** One statement per tenant: set-based counts, a sample of ids for the report. */
export async function readTenantState(db: pg.Pool | pg.ClientBase, tenant: string): Promise<TenantState> {
  const table = `${quoteIdent(assertTenantName(tenant))}.contact_messages`;
  const { rows } = await db.query<Record<string, string | string[] | null>>(
    `with src as (select id from ${table}),
          out as (select contact_message_id as id, count(*) as n
                    from relay.event_outbox where tenant = $1::text group by contact_message_id),
          missing as (select src.id from src left join out using (id) where out.id is null),
          orphans as (select out.id from out left join src using (id) where src.id is null)
     select (select count(*) from src) as source_rows,
            (select coalesce(max(id), 0) from src) as max_source_id,
            (select count(*) from missing) as missing,
            (select coalesce(array_agg(id order by id), '{}') from (select id from missing order by id limit 10) m)
              as missing_sample,
            (select count(*) from out where n > 1) as multiple,
            (select count(*) from orphans) as orphans,
            (select coalesce(array_agg(id order by id), '{}') from (select id from orphans order by id limit 10) o)
              as orphan_sample,
            (select coalesce(max(last_seen_id), 0) from relay.watcher_state where tenant = $1::text) as watermark`,
    [tenant],
  );
  const row = rows[0] ?? {};
  const num = (key: string) => Number(row[key] ?? 0);
  const ids = (key: string) => ((row[key] as string[] | null) ?? []).map(Number);
  return {
    tenant,
    sourceRows: num('source_rows'),
    maxSourceId: num('max_source_id'),
    missing: num('missing'),
    missingSample: ids('missing_sample'),
    multiple: num('multiple'),
    orphans: num('orphans'),
    orphanSample: ids('orphan_sample'),
    watermark: num('watermark'),
  };
}

/** One statement: outbox totals, delivered_at against the delivery rows, and the job queue. */
export async function readRelayState(
  db: pg.Pool | pg.ClientBase,
  endpointUrls: readonly string[],
): Promise<RelayState> {
  const { rows } = await db.query<Record<string, string | Record<string, number> | null>>(
    `with per_event as (
       select o.event_id, o.delivered_at is not null as marked,
              count(distinct d.endpoint_url) filter (where d.status = 'delivered' and d.endpoint_url = any($1::text[]))
                as delivered_endpoints
         from relay.event_outbox o
         left join relay.event_deliveries d on d.event_id = o.event_id
        group by o.event_id, o.delivered_at)
     select (select count(*) from per_event) as events,
            (select count(*) from per_event where not marked) as undelivered,
            (select count(*) from per_event where marked and delivered_endpoints < $2::int) as marked_too_early,
            (select count(*) from per_event where not marked and delivered_endpoints >= $2::int) as not_marked,
            (select count(*) from relay.event_outbox
              where event_id <> 'contact.created:' || tenant || ':' || contact_message_id) as malformed,
            (select coalesce(jsonb_object_agg(status, n), '{}') from
               (select status, count(*) as n from relay.event_deliveries group by status) s) as deliveries,
            (select count(*) from graphile_worker.jobs) as jobs,
            (select count(*) from graphile_worker.jobs where locked_at is not null) as locked_jobs,
            (select count(*) from graphile_worker.jobs where attempts >= max_attempts) as failed_jobs`,
    [endpointUrls, endpointUrls.length],
  );
  const row = rows[0] ?? {};
  const num = (key: string) => Number(row[key] ?? 0);
  return {
    events: num('events'),
    undelivered: num('undelivered'),
    malformedEventIds: num('malformed'),
    markedTooEarly: num('marked_too_early'),
    notMarked: num('not_marked'),
    deliveriesByStatus: (row.deliveries as Record<string, number> | null) ?? {},
    jobs: num('jobs'),
    lockedJobs: num('locked_jobs'),
    failedJobs: num('failed_jobs'),
  };
}

/** Event ids in the outbox, and the (event, endpoint) pairs marked delivered: two statements. */
export async function readDeliveredPairs(
  db: pg.Pool | pg.ClientBase,
): Promise<{ eventIds: string[]; delivered: { eventId: string; endpointUrl: string }[] }> {
  const events = await db.query<{ event_id: string }>('select event_id from relay.event_outbox');
  const delivered = await db.query<{ event_id: string; endpoint_url: string }>(
    `select event_id, endpoint_url from relay.event_deliveries where status = 'delivered'`,
  );
  return {
    eventIds: events.rows.map((r) => r.event_id),
    delivered: delivered.rows.map((r) => ({ eventId: r.event_id, endpointUrl: r.endpoint_url })),
  };
}
