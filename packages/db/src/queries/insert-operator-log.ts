import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * The audit trail of an operator's change (requeue, replay, reconcile --fix, prune): one
 * agent_log `observation` row naming the command and what it did.
 */
export async function insertOperatorLog(
  db: pg.Pool | pg.ClientBase,
  entry: { command: string; tenant?: string | null; detail: Record<string, unknown> },
): Promise<string> {
  const runId = randomUUID();
  await db.query(
    `insert into relay.agent_log (run_id, tenant, kind, detail) values ($1, $2, 'observation', $3::jsonb)`,
    [runId, entry.tenant ?? null, JSON.stringify({ command: entry.command, ...entry.detail })],
  );
  return runId;
}
