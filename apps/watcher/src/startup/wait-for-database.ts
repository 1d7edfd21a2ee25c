/**
 * At start the database may not be up yet (a compose stack starting, a Cloud SQL
 * failover): retry with backoff for a bounded time, then give up with one line. Errors
 * that waiting cannot fix (wrong password, no such database, server too old) stop at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@relay/common';
import { assertServerVersion, describeConnectionError } from '@relay/db';
import type pg from 'pg';
import { isDatabaseUnavailable } from '../database-errors.js';

export interface WaitForDatabaseOptions {
  /** Give up after this long (0: try once). */
  waitMs: number;
  logger: Logger;
}

/** Resolves once the database answers (and is PostgreSQL 13+); throws a one-line error otherwise. */
export async function waitForDatabase(pool: pg.Pool, options: WaitForDatabaseOptions): Promise<void> {
  const deadline = Date.now() + options.waitMs;
  let delayMs = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await assertServerVersion(pool);
      return;
    } catch (err) {
      const reason = describeConnectionError(err);
      if (!isDatabaseUnavailable(err)) throw new Error(reason);
      const left = deadline - Date.now();
      if (left <= 0) {
        const waited = options.waitMs > 0 ? `; gave up after ${Number((options.waitMs / 1000).toFixed(1))} s` : '';
        throw new Error(`${reason}${waited} (DATABASE_STARTUP_WAIT_MS)`);
      }
      options.logger.warn({ attempt, reason }, 'database not reachable yet; retrying');
      await sleep(Math.min(delayMs, left));
      delayMs = Math.min(delayMs * 2, 5_000);
    }
  }
}
