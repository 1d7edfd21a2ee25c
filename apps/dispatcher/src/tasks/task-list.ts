import type { Logger } from '@relay/common';
import { DELIVER_TASK, FAN_OUT_TASK } from '@relay/db';
import type { TaskList } from 'graphile-worker';
import type { Agent } from 'undici';
import type { DispatcherConfig } from '../config.js';
import { createDeliverTask } from './deliver.js';
import { createFanOutTask } from './fan-out.js';

/**
 * The dispatcher's graphile-worker tasks, built from its configuration. The same list
 * runs under `npm run start:dispatcher` and under the stock `graphile-worker` CLI.
 */
export function createTaskList(config: DispatcherConfig, deps: { agent: Agent; logger: Logger }): TaskList {
  return {
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
    }),
  };
}
