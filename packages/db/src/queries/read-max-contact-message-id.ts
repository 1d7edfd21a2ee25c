/**
 * Used by the watcher: the highest id currently visible above the watermark (a backward
 * scan of the primary key), the next pending watermark when a batch was not full.
 */
import type pg from 'pg';
import { assertTenantName, quoteIdent } from '../tenant.js';

export async function readMaxContactMessageId(
  db: pg.Pool | pg.ClientBase,
  tenant: string,
  afterId: number,
): Promise<number | null> {
  const table = `${quoteIdent(assertTenantName(tenant))}.contact_messages`;
  const { rows } = await db.query<{ max_id: string | null }>(
    `select max(id)::text as max_id from ${table} where id > $1::bigint`,
    [afterId],
  );
  const maxId = rows[0]?.max_id ?? null;
  return maxId === null ? null : Number(maxId);
}
