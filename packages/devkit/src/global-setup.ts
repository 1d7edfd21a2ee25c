/**
 * Vitest global setup: one PostgreSQL server for the whole run (embedded, unless
 * `TEST_DATABASE_URL` names one), and a migrated template database from which each test
 * file clones its own fresh database in milliseconds.
 */
import { migrate } from '@relay/db';
import type { TestProject } from 'vitest/node';
import { databaseUrl, TEMPLATE_DATABASE } from './database-url.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { withClient } from './with-client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    relayAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  const server = external ? undefined : await startEmbeddedPostgres({ durable: false });
  const adminUrl = external ?? server?.url ?? '';

  await withClient(adminUrl, async (admin) => {
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
  });
  await migrate({ connectionString: databaseUrl(adminUrl, TEMPLATE_DATABASE) });

  project.provide('relayAdminUrl', adminUrl);
  return async () => {
    await server?.destroy();
  };
}
