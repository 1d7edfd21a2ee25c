/**
 * `npm start`: the whole relay on this machine. An embedded PostgreSQL (unless
 * DATABASE_URL is set), migrations, the demo tenant's table, the watcher, the dispatcher,
 * a demo receiver (unless DOWNSTREAM_URLS is set) and a scheduler loop hitting /poll.
 * Ctrl-C stops every part, in reverse order, and exits 0.
 */
import { createLogger, type Logger, runMain } from '@relay/common';
import { waitFor } from '@relay/devkit';
import { banner } from './banner.js';
import { type LocalStackConfig, loadConfig } from './config.js';
import { openDatabase, prepareDatabase } from './database.js';
import { startDemoReceiver } from './demo-receiver.js';
import { startScheduler } from './scheduler.js';
import { type Service, startService, stopServices } from './services.js';

/** Cloud Run's grace period; the apps are built to stop well inside it. */
const STOP_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ name: 'local-stack', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const pretty = config.LOG_FORMAT === 'pretty';
  const cleanups: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;

  const stop = (code: number): Promise<void> => {
    stopping ??= (async () => {
      logger.info('stopping');
      for (const cleanup of cleanups.reverse()) {
        await cleanup().catch((err: unknown) => logger.error({ err }, 'cleanup failed'));
      }
      logger.info('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    await startStack(config, logger, pretty, cleanups, () => stopping !== undefined, stop);
  } catch (err) {
    // Whatever started before the failure (the embedded database above all) is stopped.
    process.stderr.write(`local-stack: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    await stop(1);
  }
}

async function startStack(
  config: LocalStackConfig,
  logger: Logger,
  pretty: boolean,
  cleanups: (() => Promise<void>)[],
  isStopping: () => boolean,
  stop: (code: number) => Promise<void>,
): Promise<void> {
  const database = await openDatabase(
    { databaseUrl: config.DATABASE_URL, dataDir: config.RELAY_DATA_DIR, port: config.LOCAL_PG_PORT },
    logger,
  );
  cleanups.push(() => database.stop());
  await prepareDatabase(database.url, config.TENANTS, logger);

  let downstreamUrls = config.DOWNSTREAM_URLS;
  if (!downstreamUrls) {
    const receiver = await startDemoReceiver(config.DEMO_RECEIVER_PORT, logger);
    cleanups.push(() => receiver.close());
    downstreamUrls = `${receiver.url}/events`;
  }

  const shared = {
    ...process.env,
    DATABASE_URL: database.url,
    TENANTS: config.TENANTS.join(','),
    LOG_LEVEL: config.LOG_LEVEL,
    LOG_FORMAT: config.LOG_FORMAT,
  };
  const services: Service[] = [
    startService(
      'watcher',
      'apps/watcher/dist/main.js',
      { ...shared, PORT: String(config.PORT), WATCHER_AGENT_KEY: config.WATCHER_AGENT_KEY },
      pretty,
    ),
    startService(
      'dispatcher',
      'apps/dispatcher/dist/main.js',
      { ...shared, PORT: String(config.DISPATCHER_PORT), DOWNSTREAM_URLS: downstreamUrls },
      pretty,
    ),
  ];
  cleanups.push(() => stopServices(services, STOP_GRACE_MS, logger));
  for (const service of services) {
    void service.exited.then((code) => {
      if (isStopping()) return;
      logger.error({ service: service.name, code }, `${service.name} exited unexpectedly; stopping the stack`);
      void stop(1);
    });
  }

  const watcherUrl = `http://127.0.0.1:${config.PORT}`;
  await waitFor(
    async () => {
      if (isStopping()) throw new Error('stack is stopping');
      return (await fetch(`${watcherUrl}/readyz`).catch(() => undefined))?.ok;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'the watcher to be ready' },
  );
  cleanups.push(
    startScheduler(
      { watcherUrl, agentKey: config.WATCHER_AGENT_KEY, tenants: config.TENANTS, intervalMs: config.POLL_INTERVAL_MS },
      logger,
    ),
  );
  process.stdout.write(
    banner({
      databaseUrl: database.url,
      agentKey: config.WATCHER_AGENT_KEY,
      watcherUrl,
      tenant: config.TENANTS[0] ?? 'hoamx_com',
    }),
  );
}

runMain('local-stack', main);
