import { ConfigError } from '@relay/common';

/** A tenant is a Postgres schema name: lower-case identifier, at most 63 bytes. */
export const TENANT_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schemas a tenant may never be: the relay's own, graphile-worker's and the catalogs. */
const RESERVED = new Set(['relay', 'graphile_worker', 'information_schema', 'drizzle']);

/** Throws a `ConfigError` unless `name` is a safe, non-reserved tenant schema name. */
export function assertTenantName(name: string): string {
  if (!TENANT_NAME_PATTERN.test(name)) {
    throw new ConfigError(`tenant "${name}" is not a valid name (expected ${TENANT_NAME_PATTERN.source})`);
  }
  if (RESERVED.has(name) || name.startsWith('pg_')) {
    throw new ConfigError(`tenant "${name}" is a reserved schema name`);
  }
  return name;
}

/** Quotes an identifier for SQL text; tenants reach SQL only this way. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
