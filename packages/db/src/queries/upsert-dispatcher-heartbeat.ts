import type pg from 'pg';

/** Records that the dispatcher whose worker pool id is `workerId` is alive, now. */
export async function upsertDispatcherHeartbeat(
  db: pg.Pool | pg.ClientBase,
  heartbeat: { workerId: string; hostname: string; pid: number },
): Promise<void> {
  await db.query(
    `insert into relay.dispatcher_heartbeats (worker_id, hostname, pid)
     values ($1::text, $2::text, $3::int)
     on conflict (worker_id) do update set last_heartbeat_at = now()`,
    [heartbeat.workerId, heartbeat.hostname, heartbeat.pid],
  );
}
