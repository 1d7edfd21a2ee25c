/**
 * The task list for the stock `graphile-worker` CLI (see the repository's
 * `graphile.config.mjs`, which points `taskDirectory` at this file): the same tasks as
 * `npm run start:dispatcher`, configured from the same environment. Bad configuration
 * fails the CLI at load with the one-line message naming the variable.
 */
import { createLogger } from '@relay/common';
import { loadConfig } from './config.js';
import { createHttpAgent } from './deliver/request.js';
import { createTaskList } from './tasks/task-list.js';

const config = loadConfig(process.env);
const logger = createLogger({ name: 'dispatcher-cli', level: config.logLevel, format: config.logFormat });
const agent = createHttpAgent({ timeoutMs: config.timeoutMs, connectionsPerOrigin: config.concurrency });

const tasks = createTaskList(config, { agent, logger });
export default tasks;
