#!/usr/bin/env node
/**
 * `npm run db:migrate`: applies the relay's migrations and graphile-worker's schema to
 * `DATABASE_URL`. Prints what it applied; on failure prints one line and exits 1.
 */
import { parseDatabaseUrl } from './database-url.js';
import { describeConnectionError } from './describe-error.js';
import { migrate } from './migrate.js';

async function main(): Promise<void> {
  const connectionString = parseDatabaseUrl(process.env.DATABASE_URL);
  await migrate({ connectionString, log: (line) => console.log(line) });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`db:migrate failed: ${describeConnectionError(err)}`);
    process.exit(1);
  },
);
