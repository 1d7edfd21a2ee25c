import type pg from 'pg';
import { assertTenantName, quoteIdent } from '../tenant.js';

/**
 * The highest id in each tenant's contact_messages (an index-only backward scan each),
 * in one round trip. A tenant whose table is missing is reported as `null`.
 */
export async function readNewestSourceIds(
  db: pg.Pool | pg.ClientBase,
  tenants: readonly string[],
): Promise<Map<string, number | null>> {
  const result = new Map<string, number | null>();
  if (tenants.length === 0) return result;
  const { rows: present } = await db.query<{ tenant: string }>(
    `select table_schema as tenant from information_schema.tables
      where table_name = 'contact_messages' and table_schema = any($1::text[])`,
    [tenants],
  );
  const existing = new Set(present.map((row) => row.tenant));
  for (const tenant of tenants) result.set(tenant, null);
  const parts = tenants
    .filter((tenant) => existing.has(tenant))
    .map(
      (tenant, i) =>
        `select $${i + 1}::text as tenant, (select max(id) from ${quoteIdent(assertTenantName(tenant))}.contact_messages) as newest`,
    );
  if (parts.length === 0) return result;
  const { rows } = await db.query<{ tenant: string; newest: string | null }>(
    parts.join(' union all '),
    tenants.filter((tenant) => existing.has(tenant)),
  );
  for (const row of rows) result.set(row.tenant, row.newest === null ? null : Number(row.newest));
  return result;
}
