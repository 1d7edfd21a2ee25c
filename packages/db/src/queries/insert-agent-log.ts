/**
 * Used by the watcher (the `observation` row inside the poll transaction, the `end` and
 * `error` rows outside it). One row of the audit trail.
 */
import type pg from 'pg';
import type { AgentLogKind } from '../schema.js';

export interface AgentLogEntry {
  runId: string;
  tenant: string | null;
  kind: AgentLogKind;
  detail: Record<string, unknown>;
}

export async function insertAgentLog(db: pg.Pool | pg.ClientBase, entry: AgentLogEntry): Promise<void> {
  await db.query(
    `insert into relay.agent_log (run_id, tenant, kind, detail)
     values ($1::uuid, $2::text, $3::text, $4::jsonb)`,
    [entry.runId, entry.tenant, entry.kind, JSON.stringify(entry.detail)],
  );
}
