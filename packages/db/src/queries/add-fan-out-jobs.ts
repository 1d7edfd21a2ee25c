/**
 * Used by the watcher: one graphile-worker fan-out job per newly inserted event, with ONE
 * `graphile_worker.add_jobs` call on the poll's own transaction, so an event never exists
 * without its job nor a job without its event. `job_key` = the event id: adding the same
 * event again replaces the waiting job instead of duplicating it.
 *
 * The job specs travel as one JSON document and become `graphile_worker.job_spec[]` with
 * `json_populate_recordset`, as graphile-worker's own `addJobs` does (0.17: identifier,
 * payload, queue_name, run_at, max_attempts, job_key, priority, flags).
 */
import type pg from 'pg';
import { FAN_OUT_TASK, type FanOutPayload } from '../tasks.js';

/** Returns how many jobs graphile-worker created or updated. */
export async function addFanOutJobs(tx: pg.ClientBase, eventIds: readonly string[]): Promise<number> {
  if (eventIds.length === 0) return 0;
  const specs = eventIds.map((eventId) => ({
    identifier: FAN_OUT_TASK,
    payload: { event_id: eventId } satisfies FanOutPayload,
    job_key: eventId,
  }));
  const { rows } = await tx.query<{ added: number }>(
    `select count(*)::int as added
       from graphile_worker.add_jobs(
              array(select json_populate_recordset(null::graphile_worker.job_spec, $1::json)))`,
    [JSON.stringify(specs)],
  );
  return rows[0]?.added ?? 0;
}
