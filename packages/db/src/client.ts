import { toError } from '@relay/common';
import pg from 'pg';

export interface PoolOptions {
  connectionString: string;
  /** Shows up in `pg_stat_activity`, so an operator can tell the relay's sessions apart. */
  applicationName: string;
  max?: number;
  /** Any single statement longer than this is cancelled by the server. */
  statementTimeoutMs?: number;
  /** A transaction left idle this long is ended by the server, releasing its locks and xid. */
  idleInTransactionTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Called for errors on idle clients (server restart, network drop) instead of crashing. */
  onError?: (err: Error) => void;
}

/**
 * A `pg.Pool` with the relay's defaults. Idle-client errors are reported to `onError`
 * rather than thrown: a database restart must not take the process down.
 */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  const onError = options.onError ?? (() => undefined);
  pool.on('error', (err) => onError(toError(err)));
  // A checked-out client whose connection drops emits 'error' on itself; without a
  // listener that is an uncaught exception. The query in flight still rejects.
  pool.on('connect', (client) => client.on('error', (err) => onError(toError(err))));
  return pool;
}

/** Oldest server the relay runs on: it needs `pg_current_snapshot()` (PostgreSQL 13). */
export const MIN_SERVER_VERSION_NUM = 130000;

/** Throws a readable error when the server is older than PostgreSQL 13. */
export async function assertServerVersion(db: pg.Pool | pg.ClientBase): Promise<number> {
  const { rows } = await db.query<{ v: string; s: string }>(
    "select current_setting('server_version_num') as v, current_setting('server_version') as s",
  );
  const row = rows[0];
  const version = Number(row?.v ?? 0);
  if (version < MIN_SERVER_VERSION_NUM) {
    throw new Error(
      `PostgreSQL ${row?.s ?? 'unknown'} is too old: the relay needs PostgreSQL 13 or newer (pg_current_snapshot)`,
    );
  }
  return version;
}
