import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { databaseUrl, TEMPLATE_DATABASE } from './database-url.js';
import { withClient } from './with-client.js';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, disconnecting whatever is still connected. */
  drop(): Promise<void>;
}

export interface FreshDatabaseOptions {
  /** Clone of the migrated template (default) or an empty database. */
  migrated?: boolean;
  /** Admin connection string; defaults to the one the global setup provides. */
  adminUrl?: string;
}

/** A new database of its own for one test file: migrated, or empty with `migrated: false`. */
export async function freshDatabase(options: FreshDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? inject('relayAdminUrl');
  const name = `relay_test_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : TEMPLATE_DATABASE;
  await withClient(adminUrl, (client) => client.query(`create database ${name} template ${template}`));
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () =>
      withClient(adminUrl, async (client) => {
        await client.query(`drop database if exists ${name} with (force)`);
      }),
  };
}
