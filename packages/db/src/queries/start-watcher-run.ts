/**
 * Used by the watcher: the `start` row of a poll run, written outside the poll
 * transaction so a run that later fails is still on record. The same statement makes
 * sure the tenant has a `watcher_state` row (the poll's `FOR UPDATE SKIP LOCKED` can
 * only lock a row that exists). `ON CONFLICT DO NOTHING` on an existing row does not
 * wait for a concurrent poll's row lock, so a busy tenant still answers at once.
 */
import type pg from 'pg';

export interface StartWatcherRunInput {
  runId: string;
  tenant: string;
  detail: Record<string, unknown>;
}

export async function startWatcherRun(db: pg.Pool | pg.ClientBase, input: StartWatcherRunInput): Promise<void> {
  await db.query(
    `with ensured_state as (
       insert into relay.watcher_state (tenant) values ($2::text)
       on conflict (tenant) do nothing
     )
     insert into relay.agent_log (run_id, tenant, kind, detail)
     values ($1::uuid, $2::text, 'start', $3::jsonb)`,
    [input.runId, input.tenant, JSON.stringify(input.detail)],
  );
}
