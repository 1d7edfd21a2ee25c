/**
 * Used by the watcher when a poll finds the tenant busy: the committed watermark, read
 * without a lock (a plain read is never blocked by the other poll's row lock).
 */
import type pg from 'pg';

export async function readWatermark(db: pg.Pool | pg.ClientBase, tenant: string): Promise<number | null> {
  const { rows } = await db.query<{ last_seen_id: string }>(
    'select last_seen_id::text as last_seen_id from relay.watcher_state where tenant = $1::text',
    [tenant],
  );
  const row = rows[0];
  return row ? Number(row.last_seen_id) : null;
}
