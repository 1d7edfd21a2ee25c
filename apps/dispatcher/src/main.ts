/**
 * `npm run start:dispatcher`: the dispatcher process. Reads the environment, runs the
 * graphile-worker pool (supervised), the health server, and handles SIGTERM/SIGINT once:
 * stop taking jobs, let deliveries finish or hand them back, close, exit 0.
 */
import { createLogger, redactUrl, runMain, toError, trapStopSignals } from '@relay/common';
import { assertServerVersion, createPool, describeConnectionError, redactDatabaseUrl } from '@relay/db';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createHttpAgent } from './deliver/request.js';
import { checkReadiness } from './health.js';
import { createDispatcherMetrics } from './metrics.js';
import { SHUTDOWN_ABORT_AFTER_MS, startDispatcherRunner } from './runner.js';
import { RETENTION_CRONTAB } from './tasks/retention.js';
import { createTaskList } from './tasks/task-list.js';

/** Past this, a shutdown that has not finished exits 1 rather than wait for SIGKILL. */
const SHUTDOWN_DEADLINE_MS = 9_500;

async function main(): Promise<void> {
  // Held until the shutdown below is in place: a SIGTERM during startup still ends in a
  // clean stop and exit 0.
  const signals = trapStopSignals();
  const config = loadConfig(process.env);
  const logger = createLogger({ name: 'dispatcher', level: config.logLevel, format: config.logFormat });

  // graphile-worker leaves some of its own promises unawaited; a database outage must not
  // turn one of them into a crash (the supervisor recovers the worker pool instead).
  process.on('unhandledRejection', (reason) => {
    logger.error({ error: describeConnectionError(reason) }, 'unhandled rejection (ignored)');
  });

  const pool = createPool({
    connectionString: config.databaseUrl,
    applicationName: 'relay-dispatcher',
    // One per concurrent job, one LISTEN client, one for the local queue's fetches and
    // batched completions, one for heartbeats and sweeps, one for /readyz, one for
    // /metrics and the daily retention.
    max: config.concurrency + 5,
    onError: (err) => logger.warn({ error: describeConnectionError(err) }, 'database connection error'),
  });
  await assertServerVersion(pool).catch((err: unknown) => {
    // Unreachable is not fatal (the supervisor waits for the database); too old is.
    if (toError(err).message.includes('too old')) throw err;
  });

  const agent = createHttpAgent({ timeoutMs: config.timeoutMs, connectionsPerOrigin: config.concurrency });
  const metrics = createDispatcherMetrics({ pool, endpoints: config.endpoints });
  const runner = startDispatcherRunner({
    pool,
    taskList: createTaskList(config, { agent, logger, pool, deliveryObserver: metrics.deliveryObserver }),
    concurrency: config.concurrency,
    pollIntervalMs: config.pollIntervalMs,
    staleAfterMs: config.staleAfterMs,
    maxJobMs: config.timeoutMs + 30_000,
    crontab: RETENTION_CRONTAB,
    logger,
    observer: metrics.runnerObserver,
  });

  const app = await buildApp({
    readiness: () => checkReadiness(pool, runner.isRunning),
    registerRoutes: metrics.registerRoute,
  });
  const address = await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.info(
    {
      address,
      database: redactDatabaseUrl(config.databaseUrl),
      endpoints: config.endpoints.map(redactUrl),
      concurrency: config.concurrency,
      signed: config.signingKeys.length > 0,
      retention_days: config.retentionDays,
    },
    'dispatcher started',
  );

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal, abort_after_ms: SHUTDOWN_ABORT_AFTER_MS }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    (async () => {
      await runner.stop();
      await app.close();
      await agent.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      logger.info('dispatcher stopped');
      process.exit(0);
    })().catch((err: unknown) => {
      logger.error({ err: toError(err) }, 'shutdown failed');
      process.exit(1);
    });
  };
  // Every signal, not just the first: a Ctrl-C signals the whole process group, so a
  // supervisor's SIGTERM can follow the SIGINT; it must not kill us mid-shutdown.
  signals.onStop(shutdown);
}

runMain('dispatcher', main);
