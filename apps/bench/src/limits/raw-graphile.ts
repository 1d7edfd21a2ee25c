/**
 * graphile-worker on its own, no relay code: the machine's limits for the job queue.
 *
 * - Throughput, modelled on graphile-worker's `perfTest`: jobs queued in one `add_jobs`
 *   call, then a worker pool with batching on (local queue, batched completions) runs a
 *   no-op task; jobs per second until the queue is empty.
 * - Latency, modelled on its `latencyTest`: one worker, one job at a time, from just
 *   before `add_job` to the task starting.
 */
import { waitFor } from '@relay/devkit';
import { type Runner, run } from 'graphile-worker';
import type pg from 'pg';
import { nowMs } from '../clock.js';
import { quietGraphileLogger } from '../relay/graphile-logger.js';
import { type LatencySummary, summarize } from '../stats.js';

const NOOP_TASK = 'bench_noop';

export interface RawThroughput {
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
}

export async function measureRawGraphileThroughput(
  pool: pg.Pool,
  options: { jobs: number; concurrency: number },
): Promise<RawThroughput> {
  await pool.query(
    `select graphile_worker.add_jobs(array(
       select row($1::text, json_build_object('id', i), null, null, null, null, null, null)::graphile_worker.job_spec
         from generate_series(1, $2::int) as i))`,
    [NOOP_TASK, options.jobs],
  );
  let executed = 0;
  let allExecuted: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allExecuted = resolve;
  });
  const started = nowMs();
  const runner = await run({
    pgPool: pool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    logger: quietGraphileLogger,
    taskList: {
      [NOOP_TASK]: async () => {
        if (++executed === options.jobs) allExecuted();
      },
    },
    // graphile-worker's perfTest preset: fetch in bulk, complete in batches.
    preset: {
      worker: {
        localQueue: { size: 500, refetchDelay: { durationMs: 10 } },
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
      },
    },
  });
  try {
    await done;
    await untilQueueEmpty(pool);
    const seconds = (nowMs() - started) / 1_000;
    return { jobs: options.jobs, seconds, jobsPerSecond: options.jobs / seconds };
  } finally {
    await runner.stop();
  }
}

export async function measureRawGraphileLatency(
  pool: pg.Pool,
  options: { samples: number; warmup: number },
): Promise<LatencySummary> {
  let waiting: { id: number; resolve: (at: number) => void } | undefined;
  const runner: Runner = await run({
    pgPool: pool,
    concurrency: 1,
    noHandleSignals: true,
    logger: quietGraphileLogger,
    taskList: {
      [NOOP_TASK]: async (payload) => {
        const at = nowMs();
        const { id } = payload as { id: number };
        if (waiting?.id === id) waiting.resolve(at);
      },
    },
  });
  const client = await pool.connect();
  const latencies: number[] = [];
  try {
    for (let i = 0; i < options.warmup + options.samples; i++) {
      const started = new Promise<number>((resolve) => {
        waiting = { id: i, resolve };
      });
      const before = nowMs();
      await client.query(`select graphile_worker.add_job($1::text, json_build_object('id', $2::int))`, [NOOP_TASK, i]);
      const at = await started;
      if (i >= options.warmup) latencies.push(at - before);
    }
  } finally {
    client.release();
    await runner.stop();
  }
  return summarize(latencies);
}

/** The last completions are written in a batch after the last task ran. */
async function untilQueueEmpty(pool: pg.Pool): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from graphile_worker._private_jobs');
      return rows[0]?.n === 0;
    },
    { timeoutMs: 60_000, intervalMs: 5, what: 'graphile-worker queue empty' },
  );
}
