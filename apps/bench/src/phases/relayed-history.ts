/**
 * Bulk-loads relayed history for the scale run, set-based, not through the relay: source
 * rows, their delivered outbox events and delivery rows, audit rows, and a watermark at
 * the top, as a tenant looks after months of quiet operation.
 */
import { CONTACT_CREATED } from '@relay/db';
import type pg from 'pg';
import { TENANT } from '../database.js';

/** One poll's `start`/`observation`/`end` rows per this many events, as with BATCH_SIZE 50. */
const EVENTS_PER_RUN = 50;
/** Rows per statement, so no single statement holds hundreds of MB of work. */
const CHUNK = 250_000;

/** Adds ids `from + 1 … to` as relayed history and moves the watermark to `to`. */
export async function loadRelayedHistory(pool: pg.Pool, from: number, to: number, endpointUrl: string): Promise<void> {
  for (let low = from; low < to; low += CHUNK) {
    const high = Math.min(to, low + CHUNK);
    await loadChunk(pool, low, high, endpointUrl);
  }
  await pool.query(
    `update relay.watcher_state set last_seen_id = $2::bigint, pending_max_id = null, pending_xmax = null,
            pending_since = null where tenant = $1::text`,
    [TENANT, to],
  );
  await pool.query(`select setval(pg_get_serial_sequence('${TENANT}.contact_messages', 'id'), $1::bigint)`, [to]);
  // Autovacuum would get there on its own within minutes; a long-lived table has statistics.
  await pool.query(
    `vacuum analyze ${TENANT}.contact_messages, relay.event_outbox, relay.event_deliveries, relay.agent_log`,
  );
}

async function loadChunk(pool: pg.Pool, low: number, high: number, endpointUrl: string): Promise<void> {
  const range = [low + 1, high];
  await pool.query(
    `insert into ${TENANT}.contact_messages (id, name, email, phone, message, created_at)
     select n, 'Person ' || n, 'person' || n || '@example.com', '+1555' || lpad(n::text, 7, '0'), 'Hello #' || n,
            now() - interval '30 days'
       from generate_series($1::bigint, $2::bigint) as n`,
    range,
  );
  await pool.query(
    `insert into relay.event_outbox (event_id, event_type, tenant, contact_message_id, payload, created_at, delivered_at)
     select e.event_id, $3::text, $4::text, e.n,
            jsonb_build_object('event_id', e.event_id, 'event_type', $3::text, 'tenant', $4::text,
              'contact_message_id', e.n, 'observed_at', '2025-01-01T00:00:00.000Z',
              'data', jsonb_build_object('name', 'Person ' || e.n, 'email', 'person' || e.n || '@example.com',
                                         'phone', '+15550000000', 'message', 'Hello #' || e.n)),
            now() - interval '30 days', now() - interval '30 days'
       from (select n, $3::text || ':' || $4::text || ':' || n as event_id
               from generate_series($1::bigint, $2::bigint) as n) as e`,
    [...range, CONTACT_CREATED, TENANT],
  );
  await pool.query(
    `insert into relay.event_deliveries (event_id, endpoint_url, status, attempts, last_status_code,
                                         last_attempt_at, delivered_at, created_at, updated_at)
     select $3::text || ':' || $4::text || ':' || n, $5::text, 'delivered', 1, 200,
            now() - interval '30 days', now() - interval '30 days', now() - interval '30 days', now() - interval '30 days'
       from generate_series($1::bigint, $2::bigint) as n`,
    [...range, CONTACT_CREATED, TENANT, endpointUrl],
  );
  await pool.query(
    `insert into relay.agent_log (run_id, tenant, kind, detail, created_at)
     select gen_random_uuid(), $3::text, k.kind, jsonb_build_object('claimed', $4::int), now() - interval '30 days'
       from generate_series($1::bigint / $4::int, $2::bigint / $4::int - 1) as r,
            unnest(array['start', 'observation', 'end']) as k(kind)`,
    [...range, TENANT, EVENTS_PER_RUN],
  );
}
