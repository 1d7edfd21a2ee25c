import { parseRetryAfterMs } from './backoff.js';
import type { SendResult } from './request.js';

/**
 * What one attempt means for the delivery:
 * - delivered: a 2xx.
 * - retry: 408, 425, 429, 5xx, a timeout or a connection error (the endpoint may
 *   recover); carries the server's Retry-After when it sent one.
 * - failed: any other status (4xx, and 3xx since redirects are not followed): sending
 *   the same request again cannot succeed.
 * - interrupted: the dispatcher is shutting down; the attempt does not count.
 */
export type Outcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'retry'; statusCode: number | null; error: string; retryAfterMs?: number }
  | { kind: 'failed'; statusCode: number | null; error: string }
  | { kind: 'interrupted'; error: string };

const RETRYABLE_STATUS = new Set([408, 425, 429]);

export function classifyAttempt(result: SendResult, now = Date.now()): Outcome {
  switch (result.kind) {
    case 'interrupted':
      return { kind: 'interrupted', error: result.error };
    case 'timeout':
    case 'network':
      return { kind: 'retry', statusCode: null, error: result.error };
    case 'response': {
      const { statusCode } = result;
      if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode };
      const error = `HTTP ${statusCode}${result.bodySnippet ? `: ${oneLine(result.bodySnippet)}` : ''}`;
      if (RETRYABLE_STATUS.has(statusCode) || statusCode >= 500) {
        const retryAfterMs = parseRetryAfterMs(result.headers['retry-after'], now);
        return retryAfterMs === undefined
          ? { kind: 'retry', statusCode, error }
          : { kind: 'retry', statusCode, error, retryAfterMs };
      }
      const reason = statusCode >= 300 && statusCode < 400 ? `${error} (redirects are not followed)` : error;
      return { kind: 'failed', statusCode, error: reason };
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
