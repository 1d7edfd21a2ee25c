import { toError } from '@relay/common';

/**
 * One readable line for a failure to reach or use the database: node's network errors
 * carry only a code (ECONNREFUSED) and sometimes an empty message, and an AggregateError
 * (several addresses tried) hides its causes.
 */
export function describeConnectionError(value: unknown): string {
  const err = toError(value);
  const causes = err instanceof AggregateError ? err.errors.map(toError) : [err];
  const first = causes[0] ?? err;
  const code = (first as NodeJS.ErrnoException).code;
  const address = (first as { address?: string; port?: number }).address;
  const port = (first as { port?: number }).port;
  const where = address ? ` (${address}${port ? `:${port}` : ''})` : '';
  switch (code) {
    case 'ECONNREFUSED':
      return `database unreachable: connection refused${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `database unreachable: host not found${where}`;
    case 'ETIMEDOUT':
      return `database unreachable: connection timed out${where}`;
    default: {
      const message = first.message || err.message || code || 'unknown error';
      return message.split('\n')[0] ?? message;
    }
  }
}
