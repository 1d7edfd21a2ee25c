/**
 * The poll's one transaction (DESIGN §4), on ONE client: lock the tenant's state row,
 * claim, insert events, enqueue their jobs, write the watermark and the `observation`
 * row, commit. A constant number of round trips whatever the batch size.
 */
import { addFanOutJobs } from '@relay/db/queries/add-fan-out-jobs';
import { claimContactMessages } from '@relay/db/queries/claim-contact-messages';
import { insertAgentLog } from '@relay/db/queries/insert-agent-log';
import { insertContactCreatedEvents } from '@relay/db/queries/insert-contact-created-events';
import { lockWatcherState } from '@relay/db/queries/lock-watcher-state';
import { readMaxContactMessageId } from '@relay/db/queries/read-max-contact-message-id';
import { readOldestWritingTransaction } from '@relay/db/queries/read-oldest-writing-transaction';
import { saveWatcherState } from '@relay/db/queries/save-watcher-state';
import type pg from 'pg';
import { type HorizonOutcome, nextHorizon } from './horizon.js';
import { type HeldBack, heldBackDetail } from './result.js';

export interface PollTransactionInput {
  runId: string;
  tenant: string;
  batchSize: number;
  dataFields: readonly string[];
  safetyLagMs: number;
}

export type PollTransactionOutcome =
  | { busy: true }
  | {
      busy: false;
      claimed: number;
      emitted: number;
      firstId: number | null;
      lastId: number | null;
      horizon: HorizonOutcome;
      heldBack: HeldBack | null;
    };

/** Runs the poll on `client` inside BEGIN … COMMIT; rolls back and rethrows on failure. */
export async function runPollTransaction(
  client: pg.ClientBase,
  input: PollTransactionInput,
): Promise<PollTransactionOutcome> {
  // Read committed explicitly: each statement below must see a snapshot at least as new
  // as the lock statement's, where the horizon's maturity was judged.
  await client.query('begin isolation level read committed');
  try {
    const outcome = await pollInTransaction(client, input);
    await client.query(outcome.busy ? 'rollback' : 'commit');
    return outcome;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

async function pollInTransaction(client: pg.ClientBase, input: PollTransactionInput): Promise<PollTransactionOutcome> {
  const { tenant } = input;
  const state = await lockWatcherState(client, tenant, input.safetyLagMs);
  if (!state) return { busy: true };

  // Always from the watermark as it was: rows ≤ a maturing pending value that committed
  // late are found here, lowest ids first, before the watermark moves past them.
  const claimed = await claimContactMessages(client, {
    tenant,
    afterId: state.lastSeenId,
    limit: input.batchSize,
    dataFields: input.dataFields,
  });
  const full = claimed.length === input.batchSize;
  const maxVisibleId = full ? null : await readMaxContactMessageId(client, tenant, state.lastSeenId);
  const inserted = await insertContactCreatedEvents(client, tenant, claimed);
  await addFanOutJobs(
    client,
    inserted.map((event) => event.eventId),
  );

  const firstId = claimed[0]?.id ?? null;
  const lastId = claimed.at(-1)?.id ?? null;
  const horizon = nextHorizon(state, { count: claimed.length, lastId, full, maxVisibleId });
  const heldBack = horizon.heldBack ? await describeHoldBack(client, state.pendingAgeMs, state.pendingMaxId) : null;

  await saveWatcherState(client, {
    tenant,
    lastSeenId: horizon.watermarkAfter,
    pendingMaxId: horizon.pending?.maxId ?? null,
    pendingXmax: horizon.pending?.armedXmax ?? null,
    pendingIsNew: horizon.pending?.isNew ?? false,
  });
  await insertAgentLog(client, {
    runId: input.runId,
    tenant,
    kind: 'observation',
    detail: {
      claimed: claimed.length,
      emitted: inserted.length,
      first_id: firstId,
      last_id: lastId,
      batch_full: full,
      watermark_before: horizon.watermarkBefore,
      watermark_after: horizon.watermarkAfter,
      horizon_step: horizon.step,
      pending_max_id: horizon.pending?.maxId ?? null,
      held_back: heldBackDetail(heldBack),
    },
  });
  return { busy: false, claimed: claimed.length, emitted: inserted.length, firstId, lastId, horizon, heldBack };
}

async function describeHoldBack(
  client: pg.ClientBase,
  pendingAgeMs: number | null,
  pendingMaxId: number | null,
): Promise<HeldBack> {
  const oldest = await readOldestWritingTransaction(client);
  return {
    sinceMs: pendingAgeMs ?? 0,
    pendingMaxId: pendingMaxId ?? 0,
    oldestXactAgeMs: oldest?.ageMs ?? null,
    oldestXactPid: oldest?.pid ?? null,
  };
}
