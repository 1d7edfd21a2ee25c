/**
 * Used by the watcher at start: whether the relay's migrations and graphile-worker's
 * schema have been applied (`npm run db:migrate`), so a fresh deployment says so in one
 * line instead of failing every poll.
 */
import type pg from 'pg';

export interface RelayInstallation {
  relaySchema: boolean;
  graphileWorker: boolean;
}

export async function checkRelayInstalled(db: pg.Pool | pg.ClientBase): Promise<RelayInstallation> {
  const { rows } = await db.query<{ relay_schema: boolean; graphile_worker: boolean }>(
    `select to_regclass('relay.watcher_state') is not null
              and to_regclass('relay.event_outbox') is not null
              and to_regclass('relay.agent_log') is not null as relay_schema,
            to_regtype('graphile_worker.job_spec') is not null as graphile_worker`,
  );
  const row = rows[0];
  return { relaySchema: row?.relay_schema ?? false, graphileWorker: row?.graphile_worker ?? false };
}
