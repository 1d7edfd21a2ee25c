/**
 * Used by the watcher: the claim. Up to `limit` rows of `{tenant}.contact_messages` above
 * `afterId`, in id order, that have no outbox row yet (the anti-join probes
 * `event_outbox_tenant_source_idx`, so the cost is the batch, not the relayed history).
 *
 * No `FOR UPDATE SKIP LOCKED` on purpose: a row the application holds locked would be
 * skipped, and a watermark moved past it would lose it for good (DESIGN §4). Only the
 * tenant's `watcher_state` row is locked, which already serialises polls.
 *
 * `data` is built by Postgres (`to_jsonb` of the `DATA_FIELDS` columns) and returned as
 * JSON text, so values reach the outbox exactly as Postgres renders them (a numeric or
 * bigint column never goes through a JavaScript number).
 */
import type pg from 'pg';
import { assertTenantName, quoteIdent } from '../tenant.js';

export interface ClaimContactMessagesInput {
  tenant: string;
  afterId: number;
  limit: number;
  /** Column names of `contact_messages` copied into `data`; empty gives `{}`. */
  dataFields: readonly string[];
}

export interface ClaimedContactMessage {
  id: number;
  /** JSON object text of the `DATA_FIELDS` columns. */
  data: string;
}

/** The SQL text, exported so tests can `EXPLAIN` exactly what the watcher runs. */
export function claimContactMessagesSql(tenant: string, dataFields: readonly string[]): string {
  const table = `${quoteIdent(assertTenantName(tenant))}.contact_messages`;
  const data =
    dataFields.length === 0
      ? `'{}'::jsonb`
      : `(select to_jsonb(d) from (select ${dataFields.map((f) => `c.${quoteIdent(f)}`).join(', ')}) as d)`;
  return `select c.id::text as id, ${data}::text as data
            from ${table} c
           where c.id > $1::bigint
             and not exists (
                   select 1 from relay.event_outbox o
                    where o.tenant = $2::text and o.contact_message_id = c.id)
           order by c.id
           limit $3::int`;
}

export async function claimContactMessages(
  tx: pg.ClientBase,
  input: ClaimContactMessagesInput,
): Promise<ClaimedContactMessage[]> {
  const { rows } = await tx.query<{ id: string; data: string }>(
    claimContactMessagesSql(input.tenant, input.dataFields),
    [input.afterId, input.tenant, input.limit],
  );
  return rows.map((row) => ({ id: Number(row.id), data: row.data }));
}
