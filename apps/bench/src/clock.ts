import { performance } from 'node:perf_hooks';

/**
 * Wall-clock milliseconds with sub-millisecond resolution. Every timestamp the bench
 * compares (poll answered, request received, job started) is taken in this one process
 * with this one function, so differences are exact to the microsecond, unlike `Date.now()`.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
