import type { EndpointRecord } from '../endpoints.js';
import { type Invariant, invariant, sample } from './invariant.js';

/** A span (ms since epoch) when a crash or a database restart may legitimately cause a re-send. */
export interface Disruption {
  kind: string;
  fromMs: number;
  untilMs: number;
}

export interface ReceiverCheckInput {
  /** Every event id in the outbox. */
  eventIds: readonly string[];
  /** (event, endpoint) pairs whose delivery row says `delivered`. */
  delivered: readonly { eventId: string; endpointUrl: string }[];
  endpoints: readonly EndpointRecord[];
  disruptions: readonly Disruption[];
  /** The dispatcher's deadline per request: a re-send within it of a 2xx may be a timeout's. */
  requestTimeoutMs: number;
  /** When injection started (ms since epoch), to report times as the schedule shows them. */
  originMs?: number;
}

/** A duplicate is explained when a disruption overlaps the span from its first 2xx to its next one. */
function explained(times: readonly number[], input: ReceiverCheckInput): boolean {
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? 0;
  const from = first - input.requestTimeoutMs - 1_000;
  return input.disruptions.some((d) => d.fromMs <= last && d.untilMs >= from);
}

/** `id 2xx at 12.3s, 18.0s; nearest disruption kill-dispatcher at 9.9s`: enough to look it up. */
function describeDuplicate(endpoint: number, id: string, times: readonly number[], input: ReceiverCheckInput): string {
  const origin = input.originMs ?? 0;
  const at = (ms: number) => `${((ms - origin) / 1_000).toFixed(1)}s`;
  const first = times[0] ?? 0;
  const nearest = [...input.disruptions].sort((a, b) => Math.abs(a.fromMs - first) - Math.abs(b.fromMs - first))[0];
  const near = nearest ? `; nearest disruption ${nearest.kind} at ${at(nearest.fromMs)}` : '';
  return `#${endpoint} ${id} 2xx at ${times.map(at).join(', ')}${near}`;
}

/** Invariants about what the endpoints really received, against the database. */
export function checkReceiverInvariants(input: ReceiverCheckInput): Invariant[] {
  const events = new Set(input.eventIds);
  const unreached: string[] = [];
  const perEndpointUnreached: string[] = [];
  const invented: string[] = [];
  const duplicates: string[] = [];
  const unexplained: string[] = [];
  let duplicateCount = 0;
  for (const endpoint of input.endpoints) {
    let missing = 0;
    for (const id of events) {
      if (!endpoint.acknowledged.has(id)) {
        missing++;
        unreached.push(`#${endpoint.index} ${id}`);
      }
    }
    perEndpointUnreached.push(`#${endpoint.index} ${missing}`);
    let dup = 0;
    for (const [id, times] of endpoint.acknowledged) {
      if (!events.has(id)) invented.push(`#${endpoint.index} ${id}`);
      if (times.length > 1) {
        dup++;
        duplicateCount += times.length - 1;
        if (!explained(times, input)) unexplained.push(describeDuplicate(endpoint.index, id, times, input));
      }
    }
    duplicates.push(`#${endpoint.index} ${dup}`);
  }
  const byUrl = new Map(input.endpoints.map((e) => [e.url, e]));
  const unbacked = input.delivered
    .filter((d) => !byUrl.get(d.endpointUrl)?.acknowledged.has(d.eventId))
    .map((d) => `${d.endpointUrl} ${d.eventId}`);
  return [
    invariant(
      'every event reached every endpoint at least once (2xx)',
      unreached.length,
      `${events.size} events × ${input.endpoints.length} endpoints; not reached: ${perEndpointUnreached.join(', ')}${sample(unreached)}`,
    ),
    invariant(
      'no endpoint received an event the outbox does not have',
      invented.length,
      `${invented.length} invented${sample(invented)}`,
    ),
    invariant(
      "a delivery row says 'delivered' only where the endpoint answered 2xx",
      unbacked.length,
      `${input.delivered.length} delivered rows; ${unbacked.length} without a 2xx at the endpoint${sample(unbacked)}`,
    ),
    {
      name: 'duplicates per endpoint (events acknowledged more than once)',
      ok: true,
      informative: true,
      count: duplicateCount,
      detail: `${duplicates.join(', ')}; ${duplicateCount} extra deliveries in all (at-least-once allows them)`,
    },
    invariant(
      'no duplicate without a crash or restart to explain it',
      unexplained.length,
      `${unexplained.length} duplicates after a 2xx with no kill, SIGTERM or PostgreSQL restart around them${sample(unexplained, 4)}`,
    ),
  ];
}
