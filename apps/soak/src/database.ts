import { createContactMessagesTable, createPool, migrate } from '@relay/db';
import { databaseUrl, type EmbeddedPostgresHandle, startEmbeddedPostgres, withClient } from '@relay/devkit';
import type pg from 'pg';

export interface SoakDatabase {
  server: EmbeddedPostgresHandle;
  /** The soak's database (relay schema migrated, tenants' tables created). */
  url: string;
  /** The soak's own connections: writers, requeue, progress and checks. */
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * A private PostgreSQL the soak owns, so it can stop and start it mid-run. fsync is off:
 * a fast shutdown still writes everything; only an OS crash would lose data, and the
 * soak throws the data away anyway.
 */
export async function openSoakDatabase(tenants: readonly string[], poolSize: number): Promise<SoakDatabase> {
  const server = await startEmbeddedPostgres({ durable: false });
  try {
    await withClient(server.url, (admin) => admin.query('create database relay_soak'));
    const url = databaseUrl(server.url, 'relay_soak');
    await migrate({ connectionString: url });
    const pool = createPool({
      connectionString: url,
      applicationName: 'relay-soak',
      max: poolSize,
      // A writer's long transaction is held on purpose, for seconds, never minutes.
      idleInTransactionTimeoutMs: 30_000,
      connectionTimeoutMs: 3_000,
      // Errors on idle connections during the PostgreSQL restart are expected.
      onError: () => undefined,
    });
    for (const tenant of tenants) await createContactMessagesTable(pool, tenant);
    return {
      server,
      url,
      pool,
      async close() {
        await pool.end().catch(() => undefined);
        await server.destroy();
      },
    };
  } catch (err) {
    await server.destroy().catch(() => undefined);
    throw err;
  }
}
