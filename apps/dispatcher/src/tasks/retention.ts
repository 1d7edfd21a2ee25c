import { performance } from 'node:perf_hooks';
import type { Logger } from '@relay/common';
import { insertOperatorLog } from '@relay/db/queries/insert-operator-log';
import { pruneRetention } from '@relay/db/queries/prune-retention';
import { type Logger as GraphileLogger, makeWorkerUtils, type Task } from 'graphile-worker';
import type pg from 'pg';
import { z } from 'zod';

/** graphile-worker task identifier of the daily retention run. */
export const RETENTION_TASK = 'relay_retention';

/**
 * The dispatcher's crontab (UTC, graphile-worker syntax): retention daily at 03:00.
 * - `fill=1d`: a dispatcher that was down (deploy, restart) at 03:00 runs the missed
 *   day's retention when it comes back, at most one day late; never a pile of runs.
 * - `jobKey`: at most one retention job waits at a time (a retrying run is replaced by
 *   the next day's instead of queueing behind it).
 * - `max=5`: a failing run retries a few times (graphile-worker's backoff), then waits
 *   for the next day; retention is idempotent, so the next run catches up.
 * Several dispatchers share the schedule safely: graphile-worker's `known_crontabs`
 * makes exactly one of them enqueue each day's job.
 */
export const RETENTION_CRONTAB = `0 3 * * * ${RETENTION_TASK} ?fill=1d&max=5&jobKey=${RETENTION_TASK}`;

/** Cron jobs carry `{ _cron: { ts, backfilled } }`; one added by hand may carry nothing. */
const retentionPayload = z
  .object({ _cron: z.object({ ts: z.string() }).loose().optional() })
  .loose()
  .nullish();

export interface RetentionDeps {
  /** Delivered events and agent_log rows older than this many days go (RETENTION_DAYS). */
  retentionDays: number;
  /**
   * Runs `fn` with a pool: the dispatcher's own, or a short-lived one under the stock
   * CLI, which has no pool of ours to lend.
   */
  withPool: <T>(fn: (pool: pg.Pool) => Promise<T>) => Promise<T>;
  /**
   * Task identifiers graphile-worker's GC must keep even when no job references them: a
   * running worker caches its tasks' ids, so a deleted-then-recreated identifier gets a
   * new id that worker would never fetch again (its jobs would sit there until restart).
   */
  taskIdentifiersToKeep: () => readonly string[];
  logger: Logger;
  graphileLogger: GraphileLogger;
}

/**
 * `relay_retention`: the same pruning as `relay prune` (delivered events with their
 * deliveries, and agent_log rows, past RETENTION_DAYS, in short batches; failed and
 * undelivered events are never removed), an agent_log row saying what it removed, then
 * graphile-worker's own garbage collection of unused job queues and task identifiers.
 */
export function createRetentionTask(deps: RetentionDeps): Task {
  const log = deps.logger.child({ module: 'retention' });
  return async (payload, helpers) => {
    const cron = retentionPayload.parse(payload)?._cron;
    const started = performance.now();
    await deps.withPool(async (pool) => {
      const removed = await pruneRetention(pool, { olderThanDays: deps.retentionDays });
      const durationMs = Math.round(performance.now() - started);
      await insertOperatorLog(pool, {
        command: 'retention',
        detail: {
          days: deps.retentionDays,
          removed: { events: removed.events, agent_log_rows: removed.agentLogRows },
          job_id: helpers.job.id,
          scheduled_for: cron?.ts ?? null,
          duration_ms: durationMs,
        },
      });
      log.info(
        {
          days: deps.retentionDays,
          events: removed.events,
          agent_log_rows: removed.agentLogRows,
          duration_ms: durationMs,
        },
        'retention removed old delivered events and agent_log rows',
      );
      await collectGraphileWorkerGarbage(pool, deps);
    });
  };
}

async function collectGraphileWorkerGarbage(pool: pg.Pool, deps: RetentionDeps): Promise<void> {
  // A pool we lend is not ended by `release()`: graphile-worker only ends pools it made.
  const utils = await makeWorkerUtils({ pgPool: pool, logger: deps.graphileLogger });
  try {
    await utils.cleanup({
      // Not DELETE_PERMAFAILED_JOBS: a permanently failed job is a dead letter an operator
      // requeues with reschedule_jobs; it stays until then.
      tasks: ['GC_JOB_QUEUES', 'GC_TASK_IDENTIFIERS'],
      taskIdentifiersToKeep: deps.taskIdentifiersToKeep(),
    });
  } finally {
    await utils.release();
  }
}
