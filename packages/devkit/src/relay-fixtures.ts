/**
 * Relay fixtures for tests (dispatcher, CLI, end to end): seed events exactly as the watcher does, start the
 * built dispatcher as a real child process, read deliveries and jobs back.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTACT_CREATED, contactCreatedEventId, FAN_OUT_TASK } from '@relay/db';
import type pg from 'pg';
import { type RunningProcess, startProcess } from './child-process.js';
import { freePort } from './embedded-postgres.js';
import { waitFor } from './wait.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const DISPATCHER_MAIN = resolve(REPO_ROOT, 'apps/dispatcher/dist/main.js');

/** Env for a fast test dispatcher; tests override what they exercise. */
export function testEnv(databaseUrl: string, endpoints: string[], extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: databaseUrl,
    DOWNSTREAM_URLS: endpoints.join(','),
    DOWNSTREAM_TIMEOUT_MS: '2000',
    DELIVERY_MAX_ATTEMPTS: '5',
    DELIVERY_BACKOFF_BASE_MS: '100',
    DELIVERY_BACKOFF_MAX_MS: '1000',
    WORKER_CONCURRENCY: '4',
    WORKER_POLL_INTERVAL_MS: '100',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ...extra,
  };
}

export interface StartedDispatcher {
  proc: RunningProcess;
  port: number;
  url: string;
}

/** Spawns `node apps/dispatcher/dist/main.js` and waits until `/readyz` answers 200. */
export async function startDispatcher(env: Record<string, string>): Promise<StartedDispatcher> {
  const port = Number(env.PORT ?? (await freePort()));
  const proc = startProcess(process.execPath, [DISPATCHER_MAIN], {
    env: { ...env, PORT: String(port) },
    cwd: REPO_ROOT,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.exited()) throw new Error(`dispatcher exited:\n${proc.output()}`);
      const response = await fetch(`${url}/readyz`).catch(() => undefined);
      return response?.status === 200;
    },
    { timeoutMs: 60_000, what: 'dispatcher ready' },
  ).catch((err: Error) => {
    proc.kill('SIGKILL');
    throw new Error(`${err.message}\n${proc.output()}`);
  });
  return { proc, port, url };
}

/** The payload the watcher stores for contact message `id` of `tenant`. */
export function eventPayload(tenant: string, id: number) {
  return {
    event_id: contactCreatedEventId(tenant, id),
    event_type: CONTACT_CREATED,
    tenant,
    contact_message_id: id,
    observed_at: new Date().toISOString(),
    data: { name: `Person ${id}`, email: `person${id}@example.com`, phone: '+15550000000', message: `Hello #${id}` },
  };
}

/**
 * Inserts outbox rows and their fan-out jobs in one transaction, as the watcher does
 * (job_key = event id). Returns the event ids.
 */
export async function seedEvents(pool: pg.Pool, ids: number[], tenant = 'hoamx_com'): Promise<string[]> {
  const payloads = ids.map((id) => eventPayload(tenant, id));
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into relay.event_outbox (event_id, event_type, tenant, contact_message_id, payload)
       select p->>'event_id', p->>'event_type', p->>'tenant', (p->>'contact_message_id')::bigint, p
         from jsonb_array_elements($1::jsonb) as p`,
      [JSON.stringify(payloads)],
    );
    await client.query(
      `select graphile_worker.add_jobs(array(
         select row($1::text, json_build_object('event_id', id), null, null, null, id, null, null)::graphile_worker.job_spec
           from unnest($2::text[]) as id))`,
      [FAN_OUT_TASK, payloads.map((p) => p.event_id)],
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
  return payloads.map((p) => p.event_id);
}

export interface DeliveryRow {
  event_id: string;
  endpoint_url: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
}

export async function deliveries(pool: pg.Pool, eventId?: string): Promise<DeliveryRow[]> {
  const { rows } = await pool.query<DeliveryRow>(
    `select event_id, endpoint_url, status, attempts, last_status_code, last_error, delivered_at
       from relay.event_deliveries where $1::text is null or event_id = $1::text
      order by event_id, endpoint_url`,
    [eventId ?? null],
  );
  return rows;
}

export interface JobRow {
  id: string;
  task_identifier: string;
  key: string | null;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_at: Date | null;
  run_at: Date;
  payload: { event_id?: string; endpoint_url?: string };
}

export async function jobs(pool: pg.Pool): Promise<JobRow[]> {
  const { rows } = await pool.query<JobRow>(
    `select j.id::text, t.identifier as task_identifier, j.key, j.attempts, j.max_attempts, j.last_error,
            j.locked_by, j.locked_at, j.run_at, j.payload
       from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      order by j.id`,
  );
  return rows;
}

export async function outboxDeliveredAt(pool: pg.Pool, eventId: string): Promise<Date | null> {
  const { rows } = await pool.query<{ delivered_at: Date | null }>(
    'select delivered_at from relay.event_outbox where event_id = $1',
    [eventId],
  );
  return rows[0]?.delivered_at ?? null;
}

/** Waits until every delivery row of `eventIds` × `endpoints` matches `status`. */
export async function waitForDeliveries(
  pool: pg.Pool,
  count: number,
  status: 'delivered' | 'failed',
  timeoutMs = 30_000,
): Promise<DeliveryRow[]> {
  return waitFor(
    async () => {
      const rows = (await deliveries(pool)).filter((row) => row.status === status);
      return rows.length >= count ? rows : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `${count} ${status} deliveries` },
  );
}

/**
 * A history for retention tests: tenant `t` at watermark 100, with events (by source id)
 * delivered 40 days ago (1, 2), delivered 5 days ago (3), failed (4), undelivered (5), all
 * created 41 days ago, and one delivered 40 days ago but above the watermark (101); and
 * agent_log rows 40, 31, 29 and 1 days old. With 30 days' retention exactly 1, 2 and the
 * 40- and 31-day-old log rows may go.
 */
export async function seedRetentionHistory(pool: pg.Pool): Promise<void> {
  await pool.query(`insert into relay.watcher_state (tenant, last_seen_id) values ('t', 100)`);
  await pool.query(`
    insert into relay.event_outbox (event_id, event_type, tenant, contact_message_id, payload, created_at, delivered_at)
    select 'contact.created:t:' || id, 'contact.created', 't', id, '{}'::jsonb, now() - interval '41 days', delivered
      from (values (1, now() - interval '40 days'), (2, now() - interval '40 days'), (3, now() - interval '5 days'),
                   (4, null), (5, null), (101, now() - interval '40 days')) as v(id, delivered)`);
  await pool.query(`
    insert into relay.event_deliveries (event_id, endpoint_url, status, delivered_at)
    select 'contact.created:t:' || id, 'http://a/', status, case when status = 'delivered' then now() - interval '40 days' end
      from (values (1, 'delivered'), (2, 'delivered'), (3, 'delivered'), (4, 'failed'), (5, 'pending'), (101, 'delivered')) as v(id, status)`);
  await pool.query(`
    insert into relay.agent_log (run_id, tenant, kind, created_at)
    select gen_random_uuid(), 't', 'start', now() - make_interval(days => d) from unnest(array[40, 31, 29, 1]) as d`);
}
