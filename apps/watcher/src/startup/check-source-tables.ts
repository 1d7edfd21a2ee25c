/**
 * Start-up checks that turn a deployment mistake into one line instead of a failure on
 * every poll: the relay's migrations are applied, and every tenant's `contact_messages`
 * has `id` and each `DATA_FIELDS` column.
 */
import { ConfigError } from '@relay/common';
import { checkRelayInstalled } from '@relay/db/queries/check-relay-installed';
import { findMissingSourceColumns } from '@relay/db/queries/find-missing-source-columns';
import type pg from 'pg';

export async function checkRelayInstallation(db: pg.Pool): Promise<void> {
  const installed = await checkRelayInstalled(db);
  if (!installed.relaySchema) {
    throw new Error('the relay schema is missing or incomplete: run `npm run db:migrate` against DATABASE_URL');
  }
  if (!installed.graphileWorker) {
    throw new Error('the graphile_worker schema is missing: run `npm run db:migrate` against DATABASE_URL');
  }
}

export async function checkSourceTables(
  db: pg.Pool,
  tenants: readonly string[],
  dataFields: readonly string[],
): Promise<void> {
  const columns = ['id', ...dataFields.filter((field) => field !== 'id')];
  const missing = await findMissingSourceColumns(db, tenants, columns);
  const first = missing[0];
  if (!first) return;
  if (!first.tableExists) {
    throw new ConfigError(`TENANTS: tenant "${first.tenant}" has no table ${first.tenant}.contact_messages`);
  }
  const variable = first.column === 'id' ? 'contact_messages' : 'DATA_FIELDS';
  throw new ConfigError(
    `${variable}: column "${first.column}" does not exist in ${first.tenant}.contact_messages (tenant "${first.tenant}")`,
  );
}
