import type pg from 'pg';

export interface DispatcherHeartbeat {
  workerId: string;
  hostname: string;
  pid: number;
  startedAt: Date;
  lastHeartbeatAt: Date;
  /** Seconds since the last heartbeat, by the database's clock. */
  silentForS: number;
}

/** Every dispatcher instance that has recorded a heartbeat, newest first. */
export async function listDispatcherHeartbeats(db: pg.Pool | pg.ClientBase): Promise<DispatcherHeartbeat[]> {
  const { rows } = await db.query<{
    worker_id: string;
    hostname: string;
    pid: number;
    started_at: Date;
    last_heartbeat_at: Date;
    silent_for_s: number;
  }>(
    `select worker_id, hostname, pid, started_at, last_heartbeat_at,
            extract(epoch from now() - last_heartbeat_at)::float8 as silent_for_s
       from relay.dispatcher_heartbeats
      order by last_heartbeat_at desc`,
  );
  return rows.map((row) => ({
    workerId: row.worker_id,
    hostname: row.hostname,
    pid: row.pid,
    startedAt: row.started_at,
    lastHeartbeatAt: row.last_heartbeat_at,
    silentForS: row.silent_for_s,
  }));
}
