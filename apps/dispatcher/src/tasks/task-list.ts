import type { Logger } from '@relay/common';
import { createPool, DELIVER_TASK, FAN_OUT_TASK } from '@relay/db';
import type { TaskList } from 'graphile-worker';
import type pg from 'pg';
import type { Agent } from 'undici';
import type { DispatcherConfig } from '../config.js';
import { graphileLoggerFor } from '../graphile-logger.js';
import { createDeliverTask, type DeliveryObserver } from './deliver.js';
import { createFanOutTask } from './fan-out.js';
import { createRetentionTask, RETENTION_TASK } from './retention.js';

export interface TaskListDeps {
  agent: Agent;
  logger: Logger;
  /** The dispatcher's pool, lent to retention; without it (stock CLI) retention opens its own. */
  pool?: pg.Pool;
  /** Told the outcome of every delivery attempt (metrics). */
  deliveryObserver?: DeliveryObserver;
}

/**
 * The dispatcher's graphile-worker tasks, built from its configuration. The same list
 * runs under `npm run start:dispatcher` and under the stock `graphile-worker` CLI.
 */
export function createTaskList(config: DispatcherConfig, deps: TaskListDeps): TaskList {
  const lent = deps.pool;
  const tasks: TaskList = {
    [FAN_OUT_TASK]: createFanOutTask({
      endpoints: config.endpoints,
      maxAttempts: config.maxAttempts,
      logger: deps.logger,
    }),
    [DELIVER_TASK]: createDeliverTask({
      endpoints: config.endpoints,
      authHeader: config.authHeader,
      authValue: config.authValue,
      signingKeys: config.signingKeys,
      timeoutMs: config.timeoutMs,
      backoff: { baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs },
      agent: deps.agent,
      logger: deps.logger,
      observer: deps.deliveryObserver,
    }),
    [RETENTION_TASK]: createRetentionTask({
      retentionDays: config.retentionDays,
      withPool: lent ? (fn) => fn(lent) : shortLivedPool(config.databaseUrl),
      taskIdentifiersToKeep: () => Object.keys(tasks),
      logger: deps.logger,
      graphileLogger: graphileLoggerFor(deps.logger),
    }),
  };
  return tasks;
}

/** One connection for one daily run, closed after it, so an idle CLI process holds none. */
function shortLivedPool(connectionString: string) {
  return async <T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> => {
    const pool = createPool({ connectionString, applicationName: 'relay-retention', max: 1 });
    try {
      return await fn(pool);
    } finally {
      await pool.end().catch(() => undefined);
    }
  };
}
