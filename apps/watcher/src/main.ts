/**
 * The watcher process: configuration, logger, pool, start-up checks, listen, signals.
 * `npm run start:watcher` runs this file from `dist/`.
 */
import { createLogger, type Logger, runMain, type StopHandler, toError, trapStopSignals } from '@relay/common';
import { createPool, redactDatabaseUrl } from '@relay/db';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { checkRelayInstallation, checkSourceTables } from './startup/check-source-tables.js';
import { waitForDatabase } from './startup/wait-for-database.js';

/** After the grace period, cancelled polls get this long to roll back before a hard exit. */
const ROLLBACK_ALLOWANCE_MS = 1_500;

runMain('watcher', async () => {
  // Until the server listens there is nothing to finish: a signal while waiting for the
  // database ends the process at once, exit 0. Then the graceful stop takes over.
  const signals = trapStopSignals();
  signals.onStop(() => process.exit(0));
  const config = loadConfig(process.env);
  const logger = createLogger({ name: 'watcher', level: config.logLevel, format: config.logFormat });
  const pool = createPool({
    connectionString: config.databaseUrl,
    applicationName: 'relay-watcher',
    max: 10,
    // /readyz and /poll should answer 503 quickly when the database is away.
    connectionTimeoutMs: 3_000,
    onError: (err) => logger.warn({ err }, 'database connection lost'),
  });
  try {
    await waitForDatabase(pool, { waitMs: config.databaseStartupWaitMs, logger });
    await checkRelayInstallation(pool);
    await checkSourceTables(pool, config.tenants, config.dataFields);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }

  const shutdown = new AbortController();
  const app = buildApp({ config, pool, logger, shutdownSignal: shutdown.signal });
  await app.listen({ host: '0.0.0.0', port: config.port });
  const address = app.server.address();
  logger.info(
    {
      port: typeof address === 'object' && address ? address.port : config.port,
      tenants: config.tenants,
      batch_size: config.batchSize,
      data_fields: config.dataFields,
      database: redactDatabaseUrl(config.databaseUrl),
    },
    'watcher listening',
  );
  signals.onStop(gracefulStop({ app, pool, shutdown, logger, graceMs: config.shutdownGraceMs }));
});

interface Running {
  app: FastifyInstance;
  pool: pg.Pool;
  shutdown: AbortController;
  logger: Logger;
  graceMs: number;
}

/**
 * SIGTERM (Cloud Run, compose) or SIGINT: stop accepting, let in-flight polls finish;
 * after `graceMs` cancel what is still running (its transaction rolls back), then close
 * the pool and exit 0. A second signal changes nothing: the shutdown is already under way.
 */
function gracefulStop(running: Running): StopHandler {
  const { app, pool, shutdown, logger, graceMs } = running;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: refusing new requests, finishing in-flight polls');
    const grace = setTimeout(() => {
      logger.warn({ grace_ms: graceMs }, 'grace period over: cancelling in-flight polls (they roll back)');
      shutdown.abort();
    }, graceMs);
    setTimeout(() => {
      logger.error('shutdown did not complete in time; exiting');
      process.exit(1);
    }, graceMs + ROLLBACK_ALLOWANCE_MS).unref();
    void (async () => {
      try {
        await app.close();
        clearTimeout(grace);
        await pool.end();
        logger.info('stopped');
        process.exit(0);
      } catch (err) {
        logger.error({ err: toError(err) }, 'shutdown failed');
        process.exit(1);
      }
    })();
  };
  return stop;
}
