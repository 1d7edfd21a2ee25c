import type { Answer } from '@relay/devkit';
import type { FaultFamily, SoakOptions } from './options.js';
import { Random } from './prng.js';

/**
 * The fault schedule: everything the soak will do to the system, derived from the seed
 * alone (same seed and options → same schedule), so a failing run can be replayed.
 *
 * Glossary:
 * - action: a one-off fault at a moment (kill a process, restart PostgreSQL, requeue).
 * - window: a span during which one endpoint answers every request the same bad way.
 * Times are milliseconds since injection started.
 */

export type ProcessRole = 'watcher' | 'dispatcher';

export type ScheduledAction =
  | { atMs: number; kind: 'kill' | 'term'; role: ProcessRole; index: number; restartAfterMs: number }
  | { atMs: number; kind: 'pg-restart'; downMs: number }
  /** The operator "fixed" the endpoint that answered 400 and requeues the dead letters. */
  | { atMs: number; kind: 'requeue' };

export type EndpointFault =
  | { kind: 'http-500' }
  | { kind: 'http-429'; retryAfterSeconds: number }
  | { kind: 'http-400' }
  | { kind: 'hang' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'reset' }
  | { kind: 'huge-body'; bytes: number };

export interface EndpointWindow {
  endpoint: number;
  fromMs: number;
  untilMs: number;
  fault: EndpointFault;
}

export interface FaultSchedule {
  seed: number;
  actions: ScheduledAction[];
  windows: EndpointWindow[];
}

/** Faults start after a quiet lead-in (the system is up and flowing) and end before the drain. */
const LEAD_IN_MS = 2_000;
const TAIL_MS = 2_000;

/** Endpoint fault kinds drawn at random; a 400 window is placed on its own (it needs a requeue). */
const WINDOW_KINDS = ['http-500', 'http-429', 'hang', 'slow', 'reset', 'huge-body'] as const;

function processActions(rng: Random, options: SoakOptions): ScheduledAction[] {
  const kinds = (['kill', 'term'] as const).filter((k) => options.faults.has(k));
  if (kinds.length === 0) return [];
  const actions: ScheduledAction[] = [];
  const roles: ProcessRole[] = ['watcher', 'dispatcher'];
  const nextFault = rng.cycle(kinds.flatMap((kind) => roles.map((role) => ({ kind, role }))));
  for (let at = LEAD_IN_MS + rng.int(0, 3_000); at < options.durationMs - TAIL_MS; at += rng.int(4_000, 9_000)) {
    const { kind, role } = nextFault();
    const count = role === 'watcher' ? options.watchers : options.dispatchers;
    actions.push({
      atMs: at,
      kind,
      role,
      index: rng.int(0, count - 1),
      restartAfterMs: rng.int(200, 2_500),
    });
  }
  return actions;
}

function pgRestarts(rng: Random, options: SoakOptions): ScheduledAction[] {
  if (!options.faults.has('pg-restart')) return [];
  const count = Math.max(1, Math.floor(options.durationMs / 90_000));
  const slot = (options.durationMs * 0.5) / count;
  return Array.from({ length: count }, (_, i) => ({
    atMs: Math.round(options.durationMs * 0.25 + i * slot + rng.next() * slot * 0.5),
    kind: 'pg-restart' as const,
    downMs: rng.int(1_000, 3_000),
  }));
}

function drawFault(rng: Random, kind: (typeof WINDOW_KINDS)[number]): EndpointFault {
  switch (kind) {
    case 'http-429':
      return { kind, retryAfterSeconds: 1 };
    case 'slow':
      // Well inside the dispatcher's deadline: a slow 2xx must count as delivered once.
      return { kind, delayMs: rng.int(200, 800) };
    case 'huge-body':
      return { kind, bytes: 8 * 1024 * 1024 };
    default:
      return { kind };
  }
}

function endpointWindows(rng: Random, options: SoakOptions): EndpointWindow[] {
  const kinds = WINDOW_KINDS.filter((k) => options.faults.has(k as FaultFamily));
  const windows: EndpointWindow[] = [];
  if (kinds.length > 0) {
    const nextKind = rng.cycle(kinds);
    for (let endpoint = 0; endpoint < options.endpoints; endpoint++) {
      let at = LEAD_IN_MS + rng.int(0, 4_000);
      while (at < options.durationMs - TAIL_MS) {
        const until = Math.min(at + rng.int(1_000, 4_000), options.durationMs - TAIL_MS);
        windows.push({ endpoint, fromMs: at, untilMs: until, fault: drawFault(rng, nextKind()) });
        at = until + rng.int(2_000, 6_000);
      }
    }
  }
  return windows;
}

/** One 400 window per two minutes (at least one), each followed by the operator's requeue. */
function rejectWindows(rng: Random, options: SoakOptions): { windows: EndpointWindow[]; actions: ScheduledAction[] } {
  if (!options.faults.has('http-400')) return { windows: [], actions: [] };
  const count = Math.max(1, Math.floor(options.durationMs / 120_000));
  const span = options.durationMs - LEAD_IN_MS - TAIL_MS;
  const windows: EndpointWindow[] = [];
  const actions: ScheduledAction[] = [];
  for (let i = 0; i < count; i++) {
    const from = Math.round(LEAD_IN_MS + (i + rng.next() * 0.5) * (span / count));
    const until = Math.min(from + rng.int(1_500, 3_000), options.durationMs - TAIL_MS);
    windows.push({
      endpoint: rng.int(0, options.endpoints - 1),
      fromMs: from,
      untilMs: until,
      fault: { kind: 'http-400' },
    });
    // Give in-flight 400s time to land as dead letters before requeueing them.
    actions.push({ atMs: until + 1_500, kind: 'requeue' });
  }
  return { windows, actions };
}

/** The whole schedule for `options` (seed included). Pure: no clock, no I/O. */
export function generateSchedule(options: SoakOptions): FaultSchedule {
  const root = new Random(options.seed);
  const rejects = rejectWindows(root.fork('http-400'), options);
  const actions = [
    ...processActions(root.fork('processes'), options),
    ...pgRestarts(root.fork('pg-restart'), options),
    ...rejects.actions,
  ].sort((a, b) => a.atMs - b.atMs);
  const windows = [...endpointWindows(root.fork('endpoints'), options), ...rejects.windows].sort(
    (a, b) => a.fromMs - b.fromMs || a.endpoint - b.endpoint,
  );
  return { seed: options.seed, actions, windows };
}

/** The receiver's answer for `fault` (a devkit receiver `Answer`). */
export function answerFor(fault: EndpointFault): Answer {
  switch (fault.kind) {
    case 'http-500':
      return { status: 500 };
    case 'http-429':
      return { status: 429, retryAfter: String(fault.retryAfterSeconds) };
    case 'http-400':
      return { status: 400 };
    case 'hang':
      return { hang: true };
    case 'slow':
      return { status: 200, delayMs: fault.delayMs };
    case 'reset':
      return { reset: true };
    case 'huge-body':
      return { status: 200, bodyBytes: fault.bytes };
  }
}

/** The window active for `endpoint` at `elapsedMs`, if any. */
export function activeWindow(schedule: FaultSchedule, endpoint: number, elapsedMs: number): EndpointWindow | undefined {
  return schedule.windows.find((w) => w.endpoint === endpoint && w.fromMs <= elapsedMs && elapsedMs < w.untilMs);
}

const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)}s`.padStart(7);

function describeFault(fault: EndpointFault): string {
  switch (fault.kind) {
    case 'http-429':
      return `429 Retry-After: ${fault.retryAfterSeconds}`;
    case 'slow':
      return `slow 200 after ${fault.delayMs} ms`;
    case 'huge-body':
      return `200 with a ${fault.bytes / 1024 / 1024} MB body`;
    case 'http-500':
      return '500';
    case 'http-400':
      return '400 (until fixed, then requeued)';
    default:
      return fault.kind;
  }
}

/** The schedule as lines, in time order, for the console and the results file. */
export function formatSchedule(schedule: FaultSchedule): string[] {
  const lines: { at: number; text: string }[] = [];
  for (const a of schedule.actions) {
    const text =
      a.kind === 'pg-restart'
        ? `restart PostgreSQL (down ${a.downMs} ms)`
        : a.kind === 'requeue'
          ? 'requeue failed deliveries (endpoint fixed)'
          : `${a.kind === 'kill' ? 'kill -9' : 'SIGTERM'} ${a.role} #${a.index}, restart after ${a.restartAfterMs} ms`;
    lines.push({ at: a.atMs, text });
  }
  for (const w of schedule.windows) {
    lines.push({
      at: w.fromMs,
      text: `endpoint #${w.endpoint} answers ${describeFault(w.fault)} until ${seconds(w.untilMs).trim()}`,
    });
  }
  return lines.sort((a, b) => a.at - b.at).map((l) => `${seconds(l.at)}  ${l.text}`);
}

/** Counts of scheduled faults by kind (process faults by kind and role). */
export function countFaults(schedule: FaultSchedule): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  for (const a of schedule.actions) add(a.kind === 'kill' || a.kind === 'term' ? `${a.kind}-${a.role}` : a.kind);
  for (const w of schedule.windows) add(w.fault.kind);
  return counts;
}
