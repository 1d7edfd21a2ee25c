import { hostname } from 'node:os';
import type { Logger } from '@relay/common';
import { describeConnectionError } from '@relay/db';
import { upsertDispatcherHeartbeat } from '@relay/db/queries/upsert-dispatcher-heartbeat';
import type pg from 'pg';

/**
 * Writes one heartbeat for the worker pool currently running (`currentId()`, the id
 * graphile-worker writes into `locked_by`). A failure (database away) is logged and the
 * next beat tries again: a heartbeat must never stop the process.
 */
export async function beat(pool: pg.Pool, workerId: string, logger: Logger): Promise<boolean> {
  try {
    await upsertDispatcherHeartbeat(pool, { workerId, hostname: hostname(), pid: process.pid });
    return true;
  } catch (err) {
    logger.warn({ worker_id: workerId, error: describeConnectionError(err) }, 'heartbeat failed');
    return false;
  }
}
