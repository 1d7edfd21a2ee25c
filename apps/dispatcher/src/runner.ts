import { EventEmitter } from 'node:events';
import type { Logger } from '@relay/common';
import { describeConnectionError } from '@relay/db';
import { deleteDispatcherHeartbeats } from '@relay/db/queries/delete-dispatcher-heartbeats';
import { type Runner, run, type TaskList, type WorkerPool } from 'graphile-worker';
import type pg from 'pg';
import { graphileLoggerFor } from './graphile-logger.js';
import { beat } from './recovery/heartbeat.js';
import { DeadWorkerSweeper } from './recovery/unlock.js';

/**
 * After SIGTERM graphile-worker aborts the deliveries still running after this long
 * (they are handed back to the queue), so the process is gone within Cloud Run's 10 s.
 */
export const SHUTDOWN_ABORT_AFTER_MS = 7_000;

/** How long a pool may take to shut itself down after a fatal error before it is abandoned. */
const STUCK_SHUTDOWN_MS = 30_000;

interface StartedPool {
  runner: Runner;
  workerId: string;
  workerPool: WorkerPool;
  /** Resolves when the pool has been shutting down after a fatal error for too long. */
  stuck: Promise<void>;
}

export interface DispatcherRunnerOptions {
  pool: pg.Pool;
  taskList: TaskList;
  concurrency: number;
  pollIntervalMs: number;
  staleAfterMs: number;
  /** Longest a single job can hold its lock (delivery timeout plus database work). */
  maxJobMs: number;
  /** graphile-worker crontab (e.g. the daily retention); none when unset. */
  crontab?: string;
  logger: Logger;
  /** Told about recoveries (metrics). */
  observer?: RunnerObserver;
}

export interface RunnerObserver {
  /** Jobs of `count` dead worker pools were unlocked: silent dispatchers, or this process's own stopped pool. */
  workersUnlocked?(count: number, reason: 'heartbeat_stale' | 'pool_stopped'): void;
  /** The worker pool stopped unexpectedly (e.g. the database went away) and is being replaced. */
  poolRestarted?(): void;
}

export interface DispatcherRunner {
  /** The worker pool id graphile-worker writes into `locked_by`; undefined when not running. */
  workerId(): string | undefined;
  /** True while a worker pool is running. */
  isRunning(): boolean;
  /** Stops taking jobs, lets running ones finish (or hands them back), forgets the heartbeat. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs graphile-worker and keeps it running. graphile-worker stops its pool when it
 * cannot record a job's completion (database restarted, failover): this supervisor then
 * frees that pool's locks and starts a new pool once the database answers, so an outage
 * makes the dispatcher wait, never exit. It also heartbeats and sweeps dead dispatchers.
 */
export function startDispatcherRunner(options: DispatcherRunnerOptions): DispatcherRunner {
  const log = options.logger.child({ module: 'runner' });
  const sweeper = new DeadWorkerSweeper(options.pool, options.logger.child({ module: 'recovery' }));
  const graphileLogger = graphileLoggerFor(options.logger);
  // A few beats per stale period: a live instance is never mistaken for a dead one.
  const beatEveryMs = Math.max(250, Math.min(5_000, Math.floor(options.staleAfterMs / 4)));

  let stopping = false;
  let current: { runner: Runner; workerId: string } | undefined;
  let stopPromise: Promise<void> | undefined;
  /** Pools of this process that ended; their locks are freed as soon as the database answers. */
  const endedPools = new Set<string>();
  const unlockEndedPools = async () => {
    if (endedPools.size === 0) return;
    const ids = [...endedPools];
    if (await sweeper.unlock(ids, 'worker pool of this process stopped')) {
      for (const id of ids) endedPools.delete(id);
      options.observer?.workersUnlocked?.(ids.length, 'pool_stopped');
    }
  };
  const wake = new EventEmitter();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake.off('stop', done);
        resolve();
      }
      wake.once('stop', done);
    });

  async function startPool(): Promise<StartedPool> {
    const events = new EventEmitter();
    let workerPool: WorkerPool | undefined;
    events.on('pool:create', (event: { workerPool: WorkerPool }) => {
      workerPool = event.workerPool;
    });
    // After a fatal error (a batch of completions it could not write) the pool shuts itself
    // down, but with the database gone mid-shutdown that can hang for good: the supervisor
    // would keep waiting on a pool that fetches nothing, its jobs locked. Past this deadline
    // the pool counts as ended.
    const stuck = new Promise<void>((resolve) => {
      events.once('pool:fatalError', () => setTimeout(resolve, STUCK_SHUTDOWN_MS).unref());
    });
    const runner = await run({
      pgPool: options.pool,
      taskList: options.taskList,
      concurrency: options.concurrency,
      // The entry point owns SIGTERM/SIGINT: it must also close the HTTP server and exit 0.
      noHandleSignals: true,
      ...(options.crontab === undefined ? {} : { crontab: options.crontab }),
      events,
      logger: graphileLogger,
      preset: {
        worker: {
          pollInterval: options.pollIntervalMs,
          gracefulShutdownAbortTimeout: SHUTDOWN_ABORT_AFTER_MS,
          // One query fetches work for every worker; completions and failures are written
          // in batches. A batch that cannot be written stops the pool, which this
          // supervisor restarts (graphile-worker's unbatched path would leave an unhandled
          // rejection and the job locked instead). Five jobs per worker per fetch: under load
          // graphile-worker's fetch is the dearest statement per job (npm run bench), and a
          // local queue only a worker deep refetches after every job; unclaimed jobs go back
          // to the table at shutdown, and a crashed pool's are unlocked by the sweep.
          localQueue: { size: options.concurrency * 5 },
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
        },
      },
    });
    if (!workerPool) throw new Error('graphile-worker did not report its worker pool');
    return { runner, workerId: workerPool.id, workerPool, stuck };
  }

  async function supervise(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      let started: StartedPool;
      try {
        started = await startPool();
      } catch (err) {
        failures++;
        log.warn({ error: describeConnectionError(err), failures }, 'cannot start the worker pool; retrying');
        await sleep(Math.min(10_000, 500 * 2 ** Math.min(failures, 5)));
        continue;
      }
      failures = 0;
      current = started;
      log.info({ worker_id: started.workerId }, 'worker pool running');
      await beat(options.pool, started.workerId, log);
      await unlockEndedPools();
      const outcome = await Promise.race([
        started.runner.promise.then(
          () => undefined,
          (err: unknown) => err,
        ),
        started.stuck.then(() => {
          log.error(
            { worker_id: started.workerId, after_ms: STUCK_SHUTDOWN_MS },
            'worker pool did not finish shutting down after a fatal error; abandoning it',
          );
          void Promise.resolve(started.workerPool.forcefulShutdown('stuck shutting down')).catch(() => undefined);
          return new Error('worker pool stuck shutting down');
        }),
      ]);
      current = undefined;
      if (stopping) return;
      log.error(
        { worker_id: started.workerId, error: outcome ? describeConnectionError(outcome) : 'exited' },
        'worker pool stopped unexpectedly; starting a new one',
      );
      options.observer?.poolRestarted?.();
      // Jobs the old pool still held (its local queue, unrecorded completions) would stay
      // locked for hours; it has no job running any more, so free them as soon as the
      // database answers (now, when the next pool starts, or on the next beat).
      endedPools.add(started.workerId);
      await unlockEndedPools();
      await sleep(1_000);
    }
  }

  const loop = supervise().catch((err: unknown) => log.fatal({ err }, 'supervisor crashed'));

  const timer = setInterval(() => {
    const self = current?.workerId;
    if (!self) return;
    void beat(options.pool, self, log)
      .then(unlockEndedPools)
      .then(() =>
        sweeper.sweep({
          staleAfterMs: options.staleAfterMs,
          orphanLockAfterMs: options.staleAfterMs + options.maxJobMs,
          selfId: self,
        }),
      )
      .then((unlocked) => {
        if (unlocked.length > 0) options.observer?.workersUnlocked?.(unlocked.length, 'heartbeat_stale');
      });
  }, beatEveryMs);

  return {
    workerId: () => current?.workerId,
    isRunning: () => current !== undefined,
    stop() {
      stopPromise ??= (async () => {
        stopping = true;
        clearInterval(timer);
        wake.emit('stop');
        const running = current;
        if (running) {
          await running.runner.stop().catch((err: unknown) => log.warn({ err }, 'worker pool stopped with an error'));
          await deleteDispatcherHeartbeats(options.pool, [running.workerId]).catch(() => undefined);
        }
        await loop;
        await sweeper.release().catch(() => undefined);
      })();
      return stopPromise;
    },
  };
}
