import type { Logger } from '@relay/common';
import { createContactMessagesTable, createPool, migrate, redactDatabaseUrl } from '@relay/db';
import { startEmbeddedPostgres } from '@relay/devkit';

export interface LocalDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The external DATABASE_URL, or an embedded PostgreSQL whose data survives restarts. */
export async function openDatabase(
  options: { databaseUrl?: string; dataDir: string; port: number },
  logger: Logger,
): Promise<LocalDatabase> {
  if (options.databaseUrl) {
    logger.info({ database: redactDatabaseUrl(options.databaseUrl) }, 'using DATABASE_URL');
    return { url: options.databaseUrl, embedded: false, stop: async () => undefined };
  }
  logger.info({ dataDir: options.dataDir, port: options.port }, 'starting embedded PostgreSQL');
  const server = await startEmbeddedPostgres({
    dataDir: options.dataDir,
    port: options.port,
    durable: true,
    onLog: (line) => logger.debug({ postgres: line.trim() }, 'postgres'),
  }).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (message.includes('Permission denied')) {
      throw new Error(
        `the embedded PostgreSQL (running as the "postgres" user) cannot enter ${options.dataDir}: set RELAY_DATA_DIR to a folder it can reach, e.g. /tmp/relay-data`,
      );
    }
    if (message === 'undefined' || message === '') {
      throw new Error(`embedded PostgreSQL did not start on port ${options.port} (in use? set LOCAL_PG_PORT)`);
    }
    throw err;
  });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}

/** Relay migrations, graphile-worker's schema, and each demo tenant's contact_messages. */
export async function prepareDatabase(url: string, tenants: readonly string[], logger: Logger): Promise<void> {
  await migrate({ connectionString: url, log: (line) => logger.info(line) });
  const pool = createPool({ connectionString: url, applicationName: 'relay-local-stack', max: 1 });
  try {
    for (const tenant of tenants) await createContactMessagesTable(pool, tenant);
  } finally {
    await pool.end();
  }
}
