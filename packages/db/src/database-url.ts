import { ConfigError } from '@relay/common';

/**
 * Checks that `value` is a usable Postgres connection string and returns it unchanged.
 * Throws a `ConfigError` naming `variable` otherwise, without echoing a password.
 */
export function parseDatabaseUrl(value: string | undefined, variable = 'DATABASE_URL'): string {
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`${variable} is not set (expected postgres://user:password@host:5432/db)`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable} is not a valid URL (expected postgres://user:password@host:5432/db)`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${variable} must start with postgres:// or postgresql:// (got ${url.protocol}//)`);
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    throw new ConfigError(`${variable} names no host`);
  }
  return value;
}

/** The connection string with its password replaced, for logs and error messages. */
export function redactDatabaseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}
