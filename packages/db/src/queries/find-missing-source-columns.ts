/**
 * Used by the watcher at start: which of the columns it will read (`id` plus
 * `DATA_FIELDS`) are missing from each tenant's `contact_messages`, in one query over
 * `information_schema.columns` (which lists only columns the role may read). A tenant
 * whose table does not exist reports `tableExists: false`.
 */
import type pg from 'pg';

export interface MissingSourceColumn {
  tenant: string;
  column: string;
  tableExists: boolean;
}

export async function findMissingSourceColumns(
  db: pg.Pool | pg.ClientBase,
  tenants: readonly string[],
  columns: readonly string[],
): Promise<MissingSourceColumn[]> {
  const { rows } = await db.query<{ tenant: string; column_name: string; table_exists: boolean }>(
    `select t.tenant, f.column_name,
            exists (select 1 from information_schema.tables it
                     where it.table_schema = t.tenant and it.table_name = 'contact_messages') as table_exists
       from unnest($1::text[]) with ordinality as t(tenant, tenant_order)
      cross join unnest($2::text[]) with ordinality as f(column_name, column_order)
      where not exists (
              select 1 from information_schema.columns c
               where c.table_schema = t.tenant
                 and c.table_name = 'contact_messages'
                 and c.column_name = f.column_name)
      order by t.tenant_order, f.column_order`,
    [tenants, columns],
  );
  return rows.map((row) => ({ tenant: row.tenant, column: row.column_name, tableExists: row.table_exists }));
}
