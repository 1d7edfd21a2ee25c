/**
 * Test support for the watcher: builds the real app in-process on a real database, and
 * reads back what a poll wrote. No mocks: the pool, Postgres and graphile-worker's
 * schema are all real.
 */
import { createLogger, type Logger } from '@relay/common';
import { createContactMessagesTable, createPool } from '@relay/db';
import { withClient } from '@relay/devkit';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp, loadConfig, type WatcherConfig } from '../src/app.js';

export const AGENT_KEY = 'test-agent-key-0123456789';
export const ROTATED_KEY = 'rotated-agent-key-9876543210';
export const TENANT = 'hoamx_com';

/** The environment a watcher runs with in tests; `overrides` replace or add variables. */
export function watcherEnv(databaseUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    WATCHER_AGENT_KEY: `${AGENT_KEY},${ROTATED_KEY}`,
    TENANTS: TENANT,
    BATCH_SIZE: '50',
    WATERMARK_SAFETY_LAG_MS: '0',
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    ...overrides,
  };
}

export interface TestWatcher {
  app: FastifyInstance;
  /** The app's own pool. */
  pool: pg.Pool;
  config: Readonly<WatcherConfig>;
  /** `POST /poll` with a valid key; `body` is sent as JSON when given. */
  poll(body?: unknown): Promise<PollAnswer>;
  close(): Promise<void>;
}

export interface PollAnswer {
  statusCode: number;
  body: {
    run_id: string;
    tenant: string;
    busy: boolean;
    claimed: number;
    emitted: number;
    first_id: number | null;
    last_id: number | null;
    last_seen_id: number | null;
    held_back: {
      since_ms: number;
      pending_max_id: number;
      oldest_xact_age_ms: number | null;
      oldest_xact_pid: number | null;
    } | null;
    error?: string;
  };
}

export interface TestWatcherOptions {
  env?: Record<string, string>;
  pool?: Partial<Parameters<typeof createPool>[0]>;
  logger?: Logger;
}

/** Builds the watcher app on `databaseUrl` exactly as `main` would, minus listen and signals. */
export async function startTestWatcher(databaseUrl: string, options: TestWatcherOptions = {}): Promise<TestWatcher> {
  const config = loadConfig(watcherEnv(databaseUrl, options.env));
  const pool = createPool({
    connectionString: config.databaseUrl,
    applicationName: 'relay-watcher-test',
    connectionTimeoutMs: 3_000,
    ...options.pool,
  });
  const logger = options.logger ?? createLogger({ name: 'watcher', level: 'silent' });
  const app = buildApp({ config, pool, logger });
  await app.ready();
  return {
    app,
    pool,
    config,
    async poll(body?: unknown) {
      const response = await app.inject({
        method: 'POST',
        url: '/poll',
        headers: { 'x-agent-key': AGENT_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return { statusCode: response.statusCode, body: response.json() };
    },
    async close() {
      await app.close();
      await pool.end();
    },
  };
}

export { withClient };

/** Creates the tenant's `contact_messages` (the application's table, as the demo has it). */
export async function createTenantTable(url: string, tenant = TENANT): Promise<void> {
  await withClient(url, (client) => createContactMessagesTable(client, tenant));
}

/** Row counts of every table a poll may write, to prove a rejected request wrote nothing. */
export async function countWrites(db: pg.Pool | pg.Client): Promise<Record<string, number>> {
  const { rows } = await db.query<Record<string, number>>(
    `select (select count(*)::int from relay.watcher_state) as watcher_state,
            (select count(*)::int from relay.event_outbox) as event_outbox,
            (select count(*)::int from relay.event_deliveries) as event_deliveries,
            (select count(*)::int from relay.agent_log) as agent_log,
            (select count(*)::int from graphile_worker._private_jobs) as jobs`,
  );
  return rows[0] ?? {};
}

export interface OutboxRow {
  event_id: string;
  event_type: string;
  tenant: string;
  contact_message_id: number;
  payload: Record<string, unknown>;
}

export async function readOutbox(db: pg.Pool | pg.Client, tenant = TENANT): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow & { contact_message_id: string }>(
    `select o.event_id, o.event_type, o.tenant, o.contact_message_id::text, o.payload
       from relay.event_outbox o where o.tenant = $1 order by o.contact_message_id`,
    [tenant],
  );
  return rows.map((row) => ({ ...row, contact_message_id: Number(row.contact_message_id) }));
}

export interface JobRow {
  task_identifier: string;
  payload: { event_id: string };
  key: string | null;
}

/** graphile-worker's jobs, read from its private table (the public view has no payload). */
export async function readJobs(db: pg.Pool | pg.Client): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `select t.identifier as task_identifier, j.payload, j.key
       from graphile_worker._private_jobs j
       join graphile_worker._private_tasks t on t.id = j.task_id
      order by j.id`,
  );
  return rows;
}

export async function readWatermark(db: pg.Pool | pg.Client, tenant = TENANT): Promise<number> {
  const { rows } = await db.query<{ last_seen_id: string }>(
    'select last_seen_id::text from relay.watcher_state where tenant = $1',
    [tenant],
  );
  return Number(rows[0]?.last_seen_id ?? 0);
}

export interface AgentLogRow {
  run_id: string;
  kind: string;
  detail: Record<string, unknown>;
}

export async function readAgentLog(db: pg.Pool | pg.Client, runId: string): Promise<AgentLogRow[]> {
  const { rows } = await db.query<AgentLogRow>(
    'select run_id, kind, detail from relay.agent_log where run_id = $1 order by id',
    [runId],
  );
  return rows;
}
