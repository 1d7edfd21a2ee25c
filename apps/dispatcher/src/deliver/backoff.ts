export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** A number in [0, 1); defaults to Math.random (tests pass a fixed one). */
  random?: () => number;
}

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based):
 * exponential with full jitter, drawn uniformly from [base, min(max, base·2^(attempt-1))].
 * Full jitter spreads the retries of many deliveries that failed together (an endpoint
 * outage) instead of bringing them back as one wave.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const exponent = Math.min(Math.max(attempt - 1, 0), 52);
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(options.baseMs + random() * Math.max(0, cap - options.baseMs));
}

/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP-date) into milliseconds from
 * `now`; undefined when absent or unreadable. Never negative.
 */
export function parseRetryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date always names a weekday and a month; Date.parse alone accepts too much.
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The delay before the next attempt: the server's `Retry-After` when it gave one (at
 * least the base, at most the max), otherwise the jittered exponential backoff.
 */
export function nextAttemptDelayMs(attempt: number, retryAfterMs: number | undefined, options: BackoffOptions): number {
  if (retryAfterMs === undefined) return backoffDelayMs(attempt, options);
  return Math.min(options.maxMs, Math.max(options.baseMs, retryAfterMs));
}
