/**
 * The bench's one PostgreSQL: an embedded server it starts and stops itself, a migrated
 * template database, and a fresh clone of it per phase (so no phase pays for another's
 * leftover jobs or rows, and every phase still runs on the same server and settings).
 */
import { createContactMessagesTable, createPool, migrate } from '@relay/db';
import { databaseUrl, type EmbeddedPostgresHandle, startEmbeddedPostgres, withClient } from '@relay/devkit';
import type pg from 'pg';

export const TENANT = 'hoamx_com';
const TEMPLATE = 'relay_bench_template';

export interface PhaseDatabase {
  name: string;
  url: string;
  /** The bench's own connections to it (inserts, bulk loads, checks). */
  pool: pg.Pool;
  drop(): Promise<void>;
}

export interface BenchServer {
  server: EmbeddedPostgresHandle;
  /** `server_version` as PostgreSQL reports it. */
  version: string;
  /** A new database cloned from the migrated template (relay schema, graphile-worker, contact_messages). */
  freshDatabase(name: string): Promise<PhaseDatabase>;
  /** Top statements by total time since the last reset, when pg_stat_statements is on. */
  topStatements(database: PhaseDatabase, limit?: number): Promise<StatementStat[]>;
  close(): Promise<void>;
}

export interface StatementStat {
  query: string;
  calls: number;
  total_ms: number;
  mean_ms: number;
  rows: number;
}

export async function startBenchServer(options: { durable: boolean; pgStats: boolean }): Promise<BenchServer> {
  const server = await startEmbeddedPostgres({ durable: options.durable });
  let version: string;
  try {
    if (options.pgStats) {
      // Needs a restart to load; devkit's server can be stopped and started on the same data.
      await withClient(server.url, (c) => c.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`));
      await server.stop();
      await server.start();
    }
    version = await withClient(server.url, async (c) => {
      await c.query(`create database ${TEMPLATE}`);
      return (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? 'unknown';
    });
    const templateUrl = databaseUrl(server.url, TEMPLATE);
    await migrate({ connectionString: templateUrl });
    await withClient(templateUrl, async (c) => {
      await createContactMessagesTable(c, TENANT);
      // The watcher creates this row on its first run; the in-process poll needs it already.
      await c.query('insert into relay.watcher_state (tenant) values ($1::text) on conflict do nothing', [TENANT]);
      if (options.pgStats) await c.query('create extension if not exists pg_stat_statements');
    });
  } catch (err) {
    await server.destroy().catch(() => undefined);
    throw err;
  }

  return {
    server,
    version,
    async freshDatabase(name) {
      await withClient(server.url, (c) => c.query(`create database ${name} template ${TEMPLATE}`));
      const url = databaseUrl(server.url, name);
      const pool = createPool({
        connectionString: url,
        applicationName: 'relay-bench',
        max: 24,
        onError: () => undefined,
      });
      if (options.pgStats) await pool.query('select pg_stat_statements_reset()');
      return {
        name,
        url,
        pool,
        async drop() {
          await pool.end().catch(() => undefined);
          await withClient(server.url, (c) => c.query(`drop database if exists ${name} with (force)`));
        },
      };
    },
    async topStatements(database, limit = 12) {
      if (!options.pgStats) return [];
      const { rows } = await database.pool.query<StatementStat>(
        `select left(regexp_replace(query, '\\s+', ' ', 'g'), 300) as query, calls::int as calls,
                round(total_exec_time::numeric, 1)::float8 as total_ms,
                round(mean_exec_time::numeric, 3)::float8 as mean_ms, rows::int as rows
           from pg_stat_statements s join pg_database d on d.oid = s.dbid
          where d.datname = current_database()
          order by total_exec_time desc limit $1::int`,
        [limit],
      );
      return rows;
    },
    close: () => server.destroy(),
  };
}
