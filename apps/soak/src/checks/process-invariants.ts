import type { EndpointRecord } from '../endpoints.js';
import type { ExitRecord } from '../fleet.js';
import type { DeadLetter } from '../requeue.js';
import { type Invariant, invariant, sample } from './invariant.js';

export interface ProcessCheckInput {
  exits: readonly ExitRecord[];
  stillRunning: readonly { role: string; index: number; pid: number }[];
  /** Every dead letter requeued during the run. */
  deadLetters: readonly DeadLetter[];
  endpoints: readonly EndpointRecord[];
}

/** Invariants about the processes and the dead letters. */
export function checkProcessInvariants(input: ProcessCheckInput): Invariant[] {
  const terms = input.exits.filter((e) => e.cause === 'term');
  // A SIGTERM that lands while node is still loading modules kills it by signal; the
  // process had started nothing, so that is not an unclean stop.
  const beforeBoot = terms.filter((e) => e.booted === false && e.signal === 'SIGTERM');
  const unclean = terms
    .filter((e) => e.code !== 0 && !beforeBoot.includes(e))
    .map((e) => `${e.role}#${e.index} ${e.code ?? e.signal}`);
  const slowest = Math.max(0, ...terms.map((e) => e.tookMs ?? 0));
  const died = input.exits
    .filter((e) => e.cause === 'unexpected')
    .map((e) => `${e.role}#${e.index} ${e.code ?? e.signal} at ${(e.atMs / 1_000).toFixed(1)}s`);
  const byUrl = new Map(input.endpoints.map((e) => [e.url, e]));
  const unexplainedDeadLetters = input.deadLetters
    .filter((d) => !byUrl.get(d.endpointUrl)?.rejected.has(d.eventId))
    .map((d) => `${d.eventId} → ${d.endpointUrl}: ${d.lastError ?? 'no error recorded'}`);
  return [
    invariant(
      'SIGTERM ends a process cleanly (exit 0)',
      unclean.length,
      `${terms.length} SIGTERMs (${beforeBoot.length} before the process had started), slowest exit ${slowest} ms; unclean: ${unclean.length}${sample(unclean)}`,
    ),
    invariant('no process died on its own', died.length, `${died.length} unexpected exits${sample(died)}`),
    invariant(
      'no process left running',
      input.stillRunning.length,
      `${input.stillRunning.length} still running${sample(input.stillRunning.map((p) => `${p.role}#${p.index} pid ${p.pid}`))}`,
    ),
    invariant(
      'dead letters only where the endpoint answered 400',
      unexplainedDeadLetters.length,
      `${input.deadLetters.length} dead letters requeued; ${unexplainedDeadLetters.length} without a 400${sample(unexplainedDeadLetters, 3)}`,
    ),
  ];
}
