/**
 * `x-agent-key` check. Every configured key is compared (no early exit) with
 * `timingSafeEqual` on SHA-256 digests, which are always the same length, so neither the
 * comparison time nor a length mismatch tells a caller how close a guess was, or which
 * of the rotated keys matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { WatcherError } from './errors.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export type AgentKeyCheck = (request: FastifyRequest) => Promise<void>;

/** A Fastify `onRequest` hook that rejects requests without one of `keys` (401). */
export function agentKeyCheck(keys: readonly string[]): AgentKeyCheck {
  const expected = keys.map(digest);
  return async (request) => {
    const presented = request.headers['x-agent-key'];
    if (presented === undefined || presented === '') {
      throw new WatcherError('missing_agent_key', 'missing x-agent-key header');
    }
    // A repeated header arrives as an array (or comma-joined): never a valid key.
    const candidate = digest(Array.isArray(presented) ? presented.join(',') : presented);
    let matched = false;
    for (const key of expected) matched = timingSafeEqual(candidate, key) || matched;
    if (!matched) throw new WatcherError('invalid_agent_key', 'invalid x-agent-key');
  };
}
