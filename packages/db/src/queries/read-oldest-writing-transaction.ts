/**
 * Used by the watcher to explain a held-back watermark: the oldest other transaction that
 * holds an xid (it has written or locked something), which is what keeps the snapshot's
 * xmin below the armed horizon. Cluster-wide, like the xmin itself. A role without
 * `pg_read_all_stats` may not see other roles' sessions: then null.
 */
import type pg from 'pg';

export interface WritingTransaction {
  pid: number;
  ageMs: number;
  /** Database the session is connected to (the blocker may be in another one). */
  database: string | null;
  applicationName: string | null;
}

export async function readOldestWritingTransaction(db: pg.Pool | pg.ClientBase): Promise<WritingTransaction | null> {
  const { rows } = await db.query<{ pid: number; age_ms: number; datname: string | null; application_name: string }>(
    `select pid,
            (extract(epoch from clock_timestamp() - xact_start) * 1000)::float8 as age_ms,
            datname,
            application_name
       from pg_stat_activity
      where backend_xid is not null
        and xact_start is not null
        and pid <> pg_backend_pid()
      order by xact_start
      limit 1`,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    pid: row.pid,
    ageMs: Math.max(0, Math.round(row.age_ms)),
    database: row.datname,
    applicationName: row.application_name || null,
  };
}
