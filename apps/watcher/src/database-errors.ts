/**
 * Tells "the database is not there right now" (answer 503, try again later) from a bug
 * (answer 500). Covers node's socket errors, node-pg's own connection messages and the
 * server's connection-class SQLSTATEs.
 */

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, query_canceled. */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

const PG_CLIENT_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
];

export function isDatabaseUnavailable(value: unknown): boolean {
  if (value instanceof AggregateError) return value.errors.some(isDatabaseUnavailable);
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SERVER_CODES.has(code)) return true;
    // SQLSTATE class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return typeof message === 'string' && PG_CLIENT_MESSAGES.some((pattern) => pattern.test(message));
}
