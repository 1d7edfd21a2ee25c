import { DEFAULT_DELIVERY_MAX_ATTEMPTS } from '@relay/db';
import { UsageError } from './command.js';

const UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: an ISO-8601 time (`2026-12-01T10:00:00Z`) or an age (`30m`, `2h`, `7d`)
 * counted back from `now`.
 */
export function parseSince(value: string | undefined, now = Date.now()): Date | undefined {
  if (value === undefined) return undefined;
  const age = /^(\d+)([smhd])$/.exec(value);
  if (age) return new Date(now - Number(age[1]) * (UNITS_MS[age[2] ?? 's'] ?? 1000));
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new UsageError(`--since must be an ISO time (2026-12-01T10:00:00Z) or an age (30m, 2h, 7d), got "${value}"`);
  }
  return time;
}

/** `DELIVERY_MAX_ATTEMPTS`, as the dispatcher reads it: the attempt budget of a requeued delivery. */
export function deliveryMaxAttempts(env: NodeJS.ProcessEnv): number {
  const raw = env.DELIVERY_MAX_ATTEMPTS?.trim() || String(DEFAULT_DELIVERY_MAX_ATTEMPTS);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 32_767) {
    throw new UsageError(`DELIVERY_MAX_ATTEMPTS must be an integer between 1 and 32767 (got "${raw}")`);
  }
  return value;
}

/** A string option's value, or undefined. */
export function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
