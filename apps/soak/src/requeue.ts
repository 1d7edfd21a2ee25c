import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DELIVER_TASK } from '@relay/db';
import { startProcess } from '@relay/devkit';
import type pg from 'pg';

/** The operator CLI, preferred when it has been built. */
export const RELAY_CLI = fileURLToPath(new URL('../../relay-cli/dist/main.js', import.meta.url));

export interface DeadLetter {
  eventId: string;
  endpointUrl: string;
  lastError: string | null;
}

/** Delivery jobs that failed for good (out of attempts), with what they were delivering. */
export async function listDeadLetters(db: pg.Pool | pg.ClientBase): Promise<DeadLetter[]> {
  const { rows } = await db.query<{ event_id: string; endpoint_url: string; last_error: string | null }>(
    `select j.payload->>'event_id' as event_id, j.payload->>'endpoint_url' as endpoint_url, j.last_error
       from graphile_worker._private_jobs j
       join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = $1::text and j.attempts >= j.max_attempts and j.locked_at is null`,
    [DELIVER_TASK],
  );
  return rows.map((r) => ({ eventId: r.event_id, endpointUrl: r.endpoint_url, lastError: r.last_error }));
}

/**
 * The graphile-worker way to requeue dead letters, which the dispatcher supports: reset
 * their attempts and run them now; the delivery row follows the job when it runs.
 */
async function rescheduleWithSql(db: pg.Pool | pg.ClientBase): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from graphile_worker.reschedule_jobs(
       (select coalesce(array_agg(id), '{}'::bigint[]) from graphile_worker.jobs
         where task_identifier = $1::text and attempts >= max_attempts and locked_at is null),
       run_at := now(), attempts := 0)`,
    [DELIVER_TASK],
  );
  return Number(rows[0]?.n ?? 0);
}

async function requeueWithCli(databaseUrl: string, maxAttempts: number): Promise<boolean> {
  const cli = startProcess(process.execPath, [RELAY_CLI, 'requeue', '--failed'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      // The revived jobs get the same attempt budget as the dispatchers give new ones.
      DELIVERY_MAX_ATTEMPTS: String(maxAttempts),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
    },
  });
  const exit = await cli.waitForExit({ timeoutMs: 30_000, intervalMs: 50 }).catch(() => undefined);
  if (!exit) cli.kill('SIGKILL');
  return exit?.code === 0;
}

export interface RequeueResult {
  deadLetters: DeadLetter[];
  route: 'relay-cli' | 'reschedule_jobs' | 'none';
}

/** Requeues every dead letter: with `relay requeue --failed` if built, else `reschedule_jobs`. */
export async function requeueDeadLetters(
  pool: pg.Pool,
  databaseUrl: string,
  maxAttempts: number,
): Promise<RequeueResult> {
  const deadLetters = await listDeadLetters(pool);
  if (deadLetters.length === 0) return { deadLetters, route: 'none' };
  if (existsSync(RELAY_CLI) && (await requeueWithCli(databaseUrl, maxAttempts)))
    return { deadLetters, route: 'relay-cli' };
  await rescheduleWithSql(pool);
  return { deadLetters, route: 'reschedule_jobs' };
}
