/**
 * The relay's own tables, all in the Postgres schema `relay`.
 *
 * Glossary:
 * - tenant: a Postgres schema holding the application's `contact_messages` table.
 * - watermark (`last_seen_id`): every source id at or below it is either in the outbox
 *   or can never appear (its transaction rolled back). See DESIGN §4.
 * - pending horizon (`pending_*`): an advance of the watermark to `pending_max_id` that
 *   becomes safe once every transaction older than `pending_xmax` has finished.
 * - event: one `contact.created` row of `event_outbox`; delivery: one (event, endpoint).
 *
 * Changing this file means `npm run db:generate` and committing the new SQL in `drizzle/`.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const relay = pgSchema('relay');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const watcherState = relay.table('watcher_state', {
  tenant: text('tenant').primaryKey(),
  lastSeenId: bigint('last_seen_id', { mode: 'number' }).notNull().default(0),
  /** Highest id the next watermark advance may move to, once the horizon has passed. */
  pendingMaxId: bigint('pending_max_id', { mode: 'number' }),
  /** The armed horizon (an xid8, stored as bigint): see apps/watcher/src/poll/horizon.ts. */
  pendingXmax: bigint('pending_xmax', { mode: 'number' }),
  pendingSince: timestamptz('pending_since'),
  lastPollAt: timestamptz('last_poll_at'),
  /** Highest source id whose delivered event retention has removed: reconcile checks above it. */
  prunedThroughId: bigint('pruned_through_id', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const eventOutbox = relay.table(
  'event_outbox',
  {
    eventId: text('event_id').primaryKey(),
    eventType: text('event_type').notNull(),
    tenant: text('tenant').notNull(),
    contactMessageId: bigint('contact_message_id', { mode: 'number' }).notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    deliveredAt: timestamptz('delivered_at'),
  },
  (t) => [
    // The poll's anti-join ("rows above the watermark with no outbox row yet") and
    // `relay reconcile` probe this on every row they look at.
    index('event_outbox_tenant_source_idx').on(t.tenant, t.contactMessageId),
    // Backlog and oldest-undelivered, per tenant, without scanning delivered history.
    index('event_outbox_undelivered_idx').on(t.tenant, t.createdAt).where(sql`${t.deliveredAt} is null`),
    // Retention walks delivered rows oldest first.
    index('event_outbox_delivered_at_idx').on(t.deliveredAt).where(sql`${t.deliveredAt} is not null`),
  ],
);

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const eventDeliveries = relay.table(
  'event_deliveries',
  {
    eventId: text('event_id')
      .notNull()
      .references(() => eventOutbox.eventId, { onDelete: 'cascade' }),
    endpointUrl: text('endpoint_url').notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastAttemptAt: timestamptz('last_attempt_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    deliveredAt: timestamptz('delivered_at'),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.endpointUrl] }),
    check('event_deliveries_status_check', sql`${t.status} in ('pending', 'delivered', 'failed')`),
    // Requeue, status and reconcile look only at what is not delivered yet.
    index('event_deliveries_open_idx').on(t.status, t.endpointUrl).where(sql`${t.status} <> 'delivered'`),
  ],
);

export const agentLogKinds = ['start', 'observation', 'end', 'error'] as const;
export type AgentLogKind = (typeof agentLogKinds)[number];

export const agentLog = relay.table(
  'agent_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    runId: uuid('run_id').notNull(),
    tenant: text('tenant'),
    kind: text('kind', { enum: agentLogKinds }).notNull(),
    detail: jsonb('detail').notNull().default({}),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('agent_log_kind_check', sql`${t.kind} in ('start', 'observation', 'end', 'error')`),
    index('agent_log_run_idx').on(t.runId),
    index('agent_log_tenant_created_idx').on(t.tenant, t.createdAt),
    index('agent_log_created_idx').on(t.createdAt),
  ],
);

/**
 * One row per dispatcher process, keyed by the id graphile-worker writes into
 * `locked_by` (the worker pool's id), so a sweep can tell dead instances from live ones.
 */
export const dispatcherHeartbeats = relay.table('dispatcher_heartbeats', {
  workerId: text('worker_id').primaryKey(),
  hostname: text('hostname').notNull(),
  pid: integer('pid').notNull(),
  startedAt: timestamptz('started_at').notNull().defaultNow(),
  lastHeartbeatAt: timestamptz('last_heartbeat_at').notNull().defaultNow(),
});
