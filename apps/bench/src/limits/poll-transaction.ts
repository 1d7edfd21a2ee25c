/**
 * The watcher's poll transaction on its own, in this process (no HTTP, no `start`/`end`
 * audit rows): rows claimed per second at a given BATCH_SIZE, polling back to back until
 * the backlog is drained. It is the watcher's own built code, loaded from
 * `apps/watcher/dist` at run time (the watcher is an app, not a library other workspaces
 * depend on; `npm run bench` builds it first).
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { insertContactMessages } from '@relay/db';
import { REPO_ROOT } from '@relay/devkit';
import type pg from 'pg';
import { nowMs } from '../clock.js';
import { TENANT } from '../database.js';

const POLL_TRANSACTION_JS = resolve(REPO_ROOT, 'apps/watcher/dist/poll/poll-transaction.js');

/** The part of `runPollTransaction`'s contract the bench uses. */
type RunPollTransaction = (
  client: pg.ClientBase,
  input: { runId: string; tenant: string; batchSize: number; dataFields: readonly string[]; safetyLagMs: number },
) => Promise<{ busy: true } | { busy: false; claimed: number }>;

export const DATA_FIELDS = ['name', 'email', 'phone', 'message'] as const;
/** The watcher's default WATERMARK_SAFETY_LAG_MS: the bench runs the production rule. */
export const SAFETY_LAG_MS = 1_000;

export interface PollThroughput {
  batchSize: number;
  rows: number;
  polls: number;
  seconds: number;
  rowsPerSecond: number;
}

export async function loadRunPollTransaction(): Promise<RunPollTransaction> {
  const module = (await import(pathToFileURL(POLL_TRANSACTION_JS).href)) as { runPollTransaction: RunPollTransaction };
  return module.runPollTransaction;
}

/** Inserts `rows` new contact messages, then polls until every one is claimed. */
export async function measurePollTransaction(
  pool: pg.Pool,
  options: { rows: number; batchSize: number },
): Promise<PollThroughput> {
  const runPollTransaction = await loadRunPollTransaction();
  await insertContactMessages(pool, TENANT, options.rows);
  const client = await pool.connect();
  try {
    let claimed = 0;
    let polls = 0;
    const started = nowMs();
    while (claimed < options.rows) {
      const outcome = await runPollTransaction(client, {
        runId: randomUUID(),
        tenant: TENANT,
        batchSize: options.batchSize,
        dataFields: DATA_FIELDS,
        safetyLagMs: SAFETY_LAG_MS,
      });
      polls++;
      if (outcome.busy) throw new Error('poll reported busy: nothing else should poll this tenant');
      if (outcome.claimed === 0) throw new Error(`backlog drained early: ${claimed} of ${options.rows} claimed`);
      claimed += outcome.claimed;
    }
    const seconds = (nowMs() - started) / 1_000;
    return { batchSize: options.batchSize, rows: claimed, polls, seconds, rowsPerSecond: claimed / seconds };
  } finally {
    client.release();
  }
}
