import type { Logger } from '@relay/common';
import { describeConnectionError } from '@relay/db';
import { deleteDispatcherHeartbeats } from '@relay/db/queries/delete-dispatcher-heartbeats';
import { findDeadWorkers } from '@relay/db/queries/find-dead-workers';
import { makeWorkerUtils, type WorkerUtils } from 'graphile-worker';
import type pg from 'pg';

export interface SweepOptions {
  staleAfterMs: number;
  orphanLockAfterMs: number;
  /** The caller's own worker pool id: never unlocked by its own sweep. */
  selfId: string;
}

/**
 * Frees the jobs of dead dispatchers so they run again within a minute instead of
 * graphile-worker's 4 hours: `forceUnlockWorkers` for every instance silent longer than
 * the stale time (and for old locks whose owner never heartbeated), then forgets them.
 */
export class DeadWorkerSweeper {
  private utils: WorkerUtils | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {}

  /** Unlocks `workerIds` now (e.g. a worker pool of this process that ended); returns success. */
  async unlock(workerIds: string[], reason: string): Promise<boolean> {
    if (workerIds.length === 0) return true;
    try {
      this.utils ??= await makeWorkerUtils({ pgPool: this.pool });
      await this.utils.forceUnlockWorkers(workerIds);
      await deleteDispatcherHeartbeats(this.pool, workerIds);
      for (const workerId of workerIds)
        this.logger.warn({ worker_id: workerId, reason }, 'unlocked jobs of dead worker');
      return true;
    } catch (err) {
      this.logger.warn({ worker_ids: workerIds, error: describeConnectionError(err) }, 'unlocking dead workers failed');
      return false;
    }
  }

  /** One sweep: find dead workers, unlock them. Failures are logged; the next sweep retries. */
  async sweep(options: SweepOptions): Promise<string[]> {
    let dead: Awaited<ReturnType<typeof findDeadWorkers>>;
    try {
      dead = await findDeadWorkers(this.pool, options);
    } catch (err) {
      this.logger.warn({ error: describeConnectionError(err) }, 'looking for dead workers failed');
      return [];
    }
    for (const worker of dead) {
      this.logger.warn(
        { worker_id: worker.workerId, reason: worker.reason, last_seen_at: worker.lastSeenAt },
        'dispatcher presumed dead',
      );
    }
    const ids = dead.map((worker) => worker.workerId);
    return (await this.unlock(ids, 'silent longer than DISPATCHER_STALE_AFTER_MS')) ? ids : [];
  }

  async release(): Promise<void> {
    await this.utils?.release();
    this.utils = undefined;
  }
}
