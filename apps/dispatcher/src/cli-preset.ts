import { fileURLToPath } from 'node:url';
import { intVar, parseEnv } from '@relay/common';
import { parseDatabaseUrl } from '@relay/db';
import { z } from 'zod';

/**
 * The graphile-worker preset the stock CLI loads from `graphile.config.mjs`: the
 * dispatcher's database, concurrency and task list, so `npx graphile-worker --once`
 * drains the queue with exactly the tasks of `npm run start:dispatcher`.
 */
export function dispatcherCliPreset(env: NodeJS.ProcessEnv) {
  const parsed = parseEnv(z.object({ WORKER_CONCURRENCY: intVar(1, 1000, 10) }), env);
  return {
    worker: {
      connectionString: parseDatabaseUrl(env.DATABASE_URL),
      concurrentJobs: parsed.WORKER_CONCURRENCY,
      maxPoolSize: parsed.WORKER_CONCURRENCY + 2,
      taskDirectory: fileURLToPath(new URL('./cli-tasks.js', import.meta.url)),
      fileExtensions: ['.js'],
    },
  };
}
