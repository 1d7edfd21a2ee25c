import type { EmbeddedPostgresHandle } from '@relay/devkit';
import type { Disruption } from './checks/receiver-invariants.js';
import type { Fleet } from './fleet.js';
import type { FaultSchedule, ScheduledAction } from './schedule.js';
import { sleep } from './sleep.js';

/** How long after a PostgreSQL restart a re-send still counts as caused by it. */
const PG_RECOVERY_MS = 5_000;

export interface InjectorDeps {
  schedule: FaultSchedule;
  fleet: Fleet;
  server: EmbeddedPostgresHandle;
  /** Milliseconds since injection started. */
  elapsed: () => number;
  requeue: () => Promise<void>;
  log: (line: string) => void;
}

export interface InjectionResult {
  /** Faults actually injected, by kind (`kill-dispatcher`, `pg-restart`, …). */
  injected: Record<string, number>;
  disruptions: Disruption[];
}

async function fire(action: ScheduledAction, deps: InjectorDeps, result: InjectionResult): Promise<void> {
  const count = (key: string) => {
    result.injected[key] = (result.injected[key] ?? 0) + 1;
  };
  switch (action.kind) {
    case 'kill':
    case 'term': {
      deps.log(`${action.kind === 'kill' ? 'kill -9' : 'SIGTERM'} ${action.role} #${action.index}`);
      count(`${action.kind}-${action.role}`);
      const at = Date.now();
      if (action.role === 'dispatcher')
        result.disruptions.push({ kind: `${action.kind}-dispatcher`, fromMs: at, untilMs: at });
      await deps.fleet.fault(action.role, action.index, action.kind, action.restartAfterMs);
      return;
    }
    case 'pg-restart': {
      deps.log(`stopping PostgreSQL for ${action.downMs} ms`);
      count('pg-restart');
      const from = Date.now();
      await deps.server.stop();
      await sleep(action.downMs);
      await deps.server.start();
      deps.log('PostgreSQL is back');
      result.disruptions.push({ kind: 'pg-restart', fromMs: from, untilMs: Date.now() + PG_RECOVERY_MS });
      return;
    }
    case 'requeue':
      count('requeue');
      await deps.requeue();
      return;
  }
}

/**
 * Fires each scheduled action at its moment (each in its own task, so a slow restart
 * does not delay the next fault), until `durationMs`; then waits for those in flight.
 */
export async function runInjection(deps: InjectorDeps, durationMs: number): Promise<InjectionResult> {
  const result: InjectionResult = { injected: {}, disruptions: [] };
  const inFlight: Promise<void>[] = [];
  for (const action of deps.schedule.actions) {
    const wait = action.atMs - deps.elapsed();
    if (wait > 0) await sleep(wait);
    inFlight.push(
      fire(action, deps, result).catch((err: unknown) =>
        deps.log(`fault ${action.kind} failed: ${err instanceof Error ? err.message : String(err)}`),
      ),
    );
  }
  const rest = durationMs - deps.elapsed();
  if (rest > 0) await sleep(rest);
  await Promise.all(inFlight);
  return result;
}
