import { resolve } from 'node:path';
import { intVar, listVar, logFormatVar, logLevelVar, optionalVar, parseEnv } from '@relay/common';
import { z } from 'zod';

const schema = z.object({
  /** An existing database; unset → an embedded PostgreSQL with its data in RELAY_DATA_DIR. */
  DATABASE_URL: optionalVar(),
  RELAY_DATA_DIR: z.string().default('.data/postgres'),
  /** Port of the embedded PostgreSQL: fixed, so the printed connection string stays the same. */
  LOCAL_PG_PORT: intVar(1, 65_535, 54_329),
  PORT: intVar(1, 65_535, 8080),
  DISPATCHER_PORT: intVar(1, 65_535, 8081),
  DEMO_RECEIVER_PORT: intVar(0, 65_535, 8090),
  POLL_INTERVAL_MS: intVar(100, 3_600_000, 2000),
  WATCHER_AGENT_KEY: z.string().default('dev-agent-key'),
  TENANTS: listVar('hoamx_com'),
  /** Unset → the demo receiver started here. */
  DOWNSTREAM_URLS: optionalVar(),
  LOG_LEVEL: logLevelVar,
  LOG_FORMAT: logFormatVar,
});

export type LocalStackConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv) {
  const parsed = parseEnv(schema, env);
  return Object.freeze({ ...parsed, RELAY_DATA_DIR: resolve(parsed.RELAY_DATA_DIR) });
}
