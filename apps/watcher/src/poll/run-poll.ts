/**
 * One poll run for one tenant: the `start` row, the transaction, the `end` (or `error`)
 * row. The `start`/`end`/`error` rows are written outside the transaction so a failed
 * run is still on record.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { toError } from '@relay/common';
import { insertAgentLog } from '@relay/db/queries/insert-agent-log';
import { readWatermark } from '@relay/db/queries/read-watermark';
import { startWatcherRun } from '@relay/db/queries/start-watcher-run';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { isDatabaseUnavailable } from '../database-errors.js';
import { WatcherError } from '../errors.js';
import { cancelOnAbort } from './cancel-on-abort.js';
import { runPollTransaction } from './poll-transaction.js';
import { heldBackDetail, type PollResult } from './result.js';

export interface PollSettings {
  batchSize: number;
  dataFields: readonly string[];
  watermarkSafetyLagMs: number;
}

export interface PollDeps {
  pool: pg.Pool;
  settings: PollSettings;
  /** The request's logger when called from a route, so poll lines carry the request id. */
  logger: FastifyBaseLogger;
  /** Aborts when the shutdown grace period is over: the in-flight transaction is cancelled. */
  shutdownSignal?: AbortSignal;
}

/** Polls `tenant` once (the tenant must already be validated and allowed). */
export async function runPoll(deps: PollDeps, tenant: string): Promise<PollResult> {
  const { pool, settings } = deps;
  const runId = randomUUID();
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const log = deps.logger.child({ module: 'poll', run_id: runId, tenant });

  await startWatcherRun(pool, {
    runId,
    tenant,
    detail: { batch_size: settings.batchSize, data_fields: settings.dataFields },
  }).catch((err: unknown) => {
    throw unavailableOr(err);
  });

  let result: PollResult;
  try {
    const outcome = await withClient(deps, (client) =>
      runPollTransaction(client, {
        runId,
        tenant,
        batchSize: settings.batchSize,
        dataFields: settings.dataFields,
        safetyLagMs: settings.watermarkSafetyLagMs,
      }),
    );
    result = outcome.busy
      ? { ...emptyResult(runId, tenant), busy: true, lastSeenId: await readWatermark(pool, tenant) }
      : {
          ...emptyResult(runId, tenant),
          claimed: outcome.claimed,
          emitted: outcome.emitted,
          firstId: outcome.firstId,
          lastId: outcome.lastId,
          lastSeenId: outcome.horizon.watermarkAfter,
          heldBack: outcome.heldBack,
        };
  } catch (err) {
    const error = toError(err);
    log.error({ err: error }, 'poll failed; its transaction was rolled back');
    await insertAgentLog(pool, {
      runId,
      tenant,
      kind: 'error',
      detail: { message: error.message, code: (error as { code?: unknown }).code ?? null, duration_ms: elapsed() },
    }).catch((logErr: unknown) => log.warn({ err: toError(logErr) }, 'could not record the failed run'));
    if (deps.shutdownSignal?.aborted) {
      throw new WatcherError('shutting_down', 'watcher is shutting down; the poll was rolled back', { cause: error });
    }
    throw unavailableOr(error);
  }

  result.durationMs = elapsed();
  // The work is committed: if this row cannot be written the run still succeeded, and its
  // observation row is on record.
  await insertAgentLog(pool, {
    runId,
    tenant,
    kind: 'end',
    detail: {
      outcome: result.busy ? 'busy' : 'ok',
      claimed: result.claimed,
      emitted: result.emitted,
      last_seen_id: result.lastSeenId,
      held_back: heldBackDetail(result.heldBack),
      duration_ms: result.durationMs,
    },
  }).catch((err: unknown) => log.warn({ err: toError(err) }, 'could not record the end of the run'));

  if (result.heldBack) {
    log.warn(
      { held_back: heldBackDetail(result.heldBack), last_seen_id: result.lastSeenId },
      'watermark held back by an open transaction',
    );
  }
  // An idle poll (every few seconds, all day) is worth a line only when debugging.
  const idle = !result.busy && result.claimed === 0 && !result.heldBack;
  log[idle ? 'debug' : 'info'](
    { busy: result.busy, claimed: result.claimed, emitted: result.emitted, last_seen_id: result.lastSeenId },
    result.busy ? 'poll skipped: another poll holds this tenant' : 'poll finished',
  );
  return result;
}

async function withClient<T>(deps: PollDeps, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await deps.pool.connect();
  const stopCancelling = cancelOnAbort(deps.pool, client, deps.shutdownSignal);
  let failed = false;
  try {
    return await fn(client);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    stopCancelling();
    // A client whose transaction failed may be broken (connection lost mid-statement):
    // discard it rather than hand it to the next poll.
    client.release(failed);
  }
}

function emptyResult(runId: string, tenant: string): PollResult {
  return {
    runId,
    tenant,
    busy: false,
    claimed: 0,
    emitted: 0,
    firstId: null,
    lastId: null,
    lastSeenId: null,
    heldBack: null,
    durationMs: 0,
  };
}

function unavailableOr(err: unknown): Error {
  const error = toError(err);
  return isDatabaseUnavailable(error)
    ? new WatcherError('database_unavailable', 'database unavailable', { cause: error })
    : error;
}
