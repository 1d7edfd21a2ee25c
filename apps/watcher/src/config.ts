/**
 * The watcher's configuration, parsed once from the environment at start. Anything wrong
 * throws a `ConfigError` whose one-line message names the variable.
 */
import { intVar, listVar, logFormatVar, logLevelVar, parseEnv } from '@relay/common';
import { assertTenantName, parseDatabaseUrl } from '@relay/db';
import { z } from 'zod';

/** A column of `contact_messages` named in `DATA_FIELDS`; quoted when it reaches SQL. */
const COLUMN_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const unique = (items: string[]) => [...new Set(items)];

const tenantsVar = listVar('hoamx_com')
  .transform(unique)
  .superRefine((tenants, ctx) => {
    if (tenants.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one tenant' });
    for (const tenant of tenants) {
      try {
        assertTenantName(tenant);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return;
      }
    }
  });

const dataFieldsVar = listVar('name,email,phone,message')
  .transform(unique)
  .superRefine((fields, ctx) => {
    const bad = fields.find((field) => !COLUMN_NAME_PATTERN.test(field));
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `"${bad}" is not a valid column name (expected a plain identifier)` });
    }
  });

const agentKeysVar = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string({ error: 'is required (one key, or several comma-separated during a rotation)' })
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter((key) => key !== ''),
    )
    .pipe(z.array(z.string()).min(1, 'must contain at least one key')),
);

const schema = z.object({
  PORT: intVar(0, 65_535, 8080),
  WATCHER_AGENT_KEY: agentKeysVar,
  TENANTS: tenantsVar,
  BATCH_SIZE: intVar(1, 10_000, 50),
  DATA_FIELDS: dataFieldsVar,
  WATERMARK_SAFETY_LAG_MS: intVar(0, 600_000, 1_000),
  DATABASE_STARTUP_WAIT_MS: intVar(0, 600_000, 30_000),
  SHUTDOWN_GRACE_MS: intVar(0, 60_000, 8_000),
  LOG_LEVEL: logLevelVar,
  LOG_FORMAT: logFormatVar,
});

export interface WatcherConfig {
  databaseUrl: string;
  port: number;
  /** Every key currently accepted in `x-agent-key` (several during a rotation). */
  agentKeys: readonly string[];
  /** Allowed tenants; the first is the default of `POST /poll`. */
  tenants: readonly string[];
  batchSize: number;
  /** Columns of `contact_messages` copied into the payload's `data`. */
  dataFields: readonly string[];
  /** How long a pending watermark waits before it may be armed (covers nextval → first write). */
  watermarkSafetyLagMs: number;
  /** How long the process retries an unreachable database at start before giving up. */
  databaseStartupWaitMs: number;
  /** After SIGTERM, how long an in-flight poll may run before it is cancelled and rolled back. */
  shutdownGraceMs: number;
  logLevel: (typeof schema.shape.LOG_LEVEL)['_output'];
  logFormat: 'json' | 'pretty';
}

/** Validates `env` (normally `process.env`) into a frozen config; throws a one-line `ConfigError`. */
export function loadConfig(env: NodeJS.ProcessEnv): Readonly<WatcherConfig> {
  const databaseUrl = parseDatabaseUrl(env.DATABASE_URL);
  const parsed = parseEnv(schema, env);
  return Object.freeze({
    databaseUrl,
    port: parsed.PORT,
    agentKeys: Object.freeze(parsed.WATCHER_AGENT_KEY),
    tenants: Object.freeze(parsed.TENANTS),
    batchSize: parsed.BATCH_SIZE,
    dataFields: Object.freeze(parsed.DATA_FIELDS),
    watermarkSafetyLagMs: parsed.WATERMARK_SAFETY_LAG_MS,
    databaseStartupWaitMs: parsed.DATABASE_STARTUP_WAIT_MS,
    shutdownGraceMs: parsed.SHUTDOWN_GRACE_MS,
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
  });
}
