import { killLeftoverProcesses } from '@relay/devkit';
import { databaseInvariants } from './checks/database-invariants.js';
import { readDeliveredPairs, readRelayState, readTenantState, type TenantState } from './checks/database-state.js';
import { type Invariant, invariant } from './checks/invariant.js';
import { checkProcessInvariants } from './checks/process-invariants.js';
import { checkReceiverInvariants } from './checks/receiver-invariants.js';
import { openSoakDatabase } from './database.js';
import { waitForDrain } from './drain.js';
import { formatDuration } from './duration.js';
import { startEndpoints } from './endpoints.js';
import { Fleet } from './fleet.js';
import { runInjection } from './injector.js';
import type { SoakOptions } from './options.js';
import { startPollDriver } from './poll-driver.js';
import { Random } from './prng.js';
import { startProgress } from './progress.js';
import { type DeadLetter, requeueDeadLetters } from './requeue.js';
import { countFaults, formatSchedule, generateSchedule } from './schedule.js';
import { optionsForSummary, type SoakSummary } from './summary.js';
import { AGENT_KEY, RELAY_TUNING, slotSpecs, tenantNames, waitUntilReady } from './system.js';
import { startWriters } from './writers.js';

/** How often each watcher polls each tenant. */
const POLL_INTERVAL_MS = 150;

export interface SoakRun {
  /** Runs the soak to its end; everything it started is stopped before it settles. */
  run(): Promise<{ summary: SoakSummary; logs: { name: string; output: string }[] }>;
  /** Stops everything started so far (a Ctrl-C or SIGTERM of the soak itself); idempotent. */
  stop(): Promise<void>;
}

/**
 * One soak run: a private PostgreSQL, real watchers and dispatchers, receivers, writers
 * and a poll driver; the schedule's faults for `durationMs`; then the drain and the
 * invariants.
 */
export function createSoak(options: SoakOptions, print: (line: string) => void): SoakRun {
  const cleanups: (() => Promise<unknown>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    })();
    return stopping;
  };
  // Something started after a stop began (the interrupt came mid-startup) is stopped at once.
  const track = async (cleanup: () => Promise<unknown>) => {
    if (!stopping) return void cleanups.push(cleanup);
    await cleanup().catch(() => undefined);
    throw new Error('the soak was interrupted');
  };
  return {
    stop,
    run: async () => {
      try {
        return await runPhases(options, print, track);
      } finally {
        await stop();
      }
    },
  };
}

async function runPhases(
  options: SoakOptions,
  print: (line: string) => void,
  track: (cleanup: () => Promise<unknown>) => Promise<void>,
): Promise<{ summary: SoakSummary; logs: { name: string; output: string }[] }> {
  const schedule = generateSchedule(options);
  const tenants = tenantNames(options.tenants);
  const startedAt = new Date().toISOString();
  let injectionStartedAt = Date.now();
  const elapsed = () => Date.now() - injectionStartedAt;
  const db = await openSoakDatabase(tenants, options.writers + 6);
  await track(() => db.close());
  print(`PostgreSQL ${db.server.port} ready, relay migrated, tenants ${tenants.join(', ')}`);
  const endpoints = await startEndpoints(schedule, options.endpoints, elapsed);
  await track(() => endpoints.close());
  const fleet: Fleet = new Fleet(await slotSpecs(options, db.url, endpoints.urls), elapsed, (exit) => {
    print(`${exit.role} #${exit.index} exited on its own (${exit.code ?? exit.signal}); restarting it`);
    setTimeout(() => void fleet.ensureRunning(), 1_000);
  });
  await track(async () => {
    await fleet.stopAll();
    await killLeftoverProcesses();
  });
  fleet.startAll();
  await waitUntilReady([...fleet.urls('watcher'), ...fleet.urls('dispatcher')]);
  print(`${options.watchers} watchers and ${options.dispatchers} dispatchers ready; injecting faults`);

  const poller = startPollDriver({
    watcherUrls: fleet.urls('watcher'),
    tenants,
    agentKey: AGENT_KEY,
    intervalMs: POLL_INTERVAL_MS,
  });
  await track(() => poller.stop());
  injectionStartedAt = Date.now();
  const root = new Random(options.seed);
  const writers = startWriters({
    pool: db.pool,
    tenants,
    randoms: Array.from({ length: options.writers }, (_, i) => root.fork(`writer-${i}`)),
    faults: options.faults,
  });
  await track(() => writers.stop());
  const stopProgress = startProgress(db.pool, 10_000, print);
  await track(async () => stopProgress());

  const deadLetters: DeadLetter[] = [];
  const routes = new Set<string>();
  const requeue = async () => {
    const result = await requeueDeadLetters(db.pool, db.url, Number(RELAY_TUNING.DELIVERY_MAX_ATTEMPTS));
    if (result.route === 'none') return;
    deadLetters.push(...result.deadLetters);
    routes.add(result.route);
    print(`requeued ${result.deadLetters.length} dead letters (${result.route})`);
  };
  const injection = await runInjection(
    {
      schedule,
      fleet,
      server: db.server,
      elapsed,
      requeue,
      log: print,
    },
    options.durationMs,
  );
  const injectionMs = elapsed();
  const writerStats = await writers.stop();
  endpoints.heal();
  print('injection over; endpoints fixed; draining');

  const drain = await waitForDrain({
    pool: db.pool,
    tenants,
    endpointUrls: endpoints.urls,
    timeoutMs: options.drainTimeoutMs,
    log: print,
    beforeEachLook: async (progress) => {
      await fleet.ensureRunning();
      if (!progress || progress.failedJobs > 0) await requeue().catch(() => undefined);
    },
  });
  print(drain.drained ? `drained in ${formatDuration(drain.ms)}` : `NOT drained after ${formatDuration(drain.ms)}`);
  stopProgress();
  const polls = await poller.stop();
  await fleet.stopAll();

  const tenantStates: TenantState[] = [];
  for (const tenant of tenants) tenantStates.push(await readTenantState(db.pool, tenant));
  const relayState = await readRelayState(db.pool, endpoints.urls);
  const pairs = await readDeliveredPairs(db.pool);
  const invariants: Invariant[] = [
    invariant(
      'the system drained before the deadline',
      drain.drained ? 0 : 1,
      `${formatDuration(drain.ms)}; last look ${JSON.stringify(drain.progress ?? 'none')}`,
    ),
    ...databaseInvariants(tenantStates, relayState),
    ...checkReceiverInvariants({
      ...pairs,
      endpoints: endpoints.records,
      disruptions: injection.disruptions,
      requestTimeoutMs: Number(RELAY_TUNING.DOWNSTREAM_TIMEOUT_MS),
    }),
    ...checkProcessInvariants({
      exits: fleet.exits,
      stillRunning: fleet.stillRunning(),
      deadLetters,
      endpoints: endpoints.records,
    }),
  ];
  const summary: SoakSummary = {
    passed: invariants.every((i) => i.ok),
    seed: options.seed,
    options: optionsForSummary(options),
    startedAt,
    injectionMs,
    drained: drain.drained,
    drainMs: drain.ms,
    sourceRows: tenantStates.reduce((n, t) => n + t.sourceRows, 0),
    events: pairs.eventIds.length,
    faultsScheduled: countFaults(schedule),
    faultsInjected: injection.injected,
    processRestarts: fleet.restarts(),
    duplicates: invariants.find((i) => i.informative)?.count ?? 0,
    deadLettersRequeued: deadLetters.length,
    requeueRoutes: [...routes],
    writers: writerStats,
    polls,
    endpointAnswers: endpoints.records.map((r) => r.answers),
    invariants,
    schedule: formatSchedule(schedule),
  };
  return { summary, logs: fleet.logs() };
}
