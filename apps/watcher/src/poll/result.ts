/**
 * What one poll did: the `POST /poll` answer, the `end` row of `agent_log`, and what a
 * metrics hook observes (see `onPollFinished` in `AppDeps`).
 */

/** The watermark is held back by an open transaction (an armed horizon has not matured). */
export interface HeldBack {
  /** How long the pending watermark has been waiting, in ms. */
  sinceMs: number;
  /** The id the watermark will move to once the transaction ends. */
  pendingMaxId: number;
  /** Age of the oldest other transaction holding an xid; null if not visible to this role. */
  oldestXactAgeMs: number | null;
  oldestXactPid: number | null;
}

export interface PollResult {
  runId: string;
  tenant: string;
  /** Another poll of this tenant held its lock: nothing was done. */
  busy: boolean;
  /** Rows claimed from `contact_messages`. */
  claimed: number;
  /** Events inserted into the outbox (each with its fan-out job). */
  emitted: number;
  firstId: number | null;
  lastId: number | null;
  /** The watermark after the poll (the committed one when busy). */
  lastSeenId: number | null;
  heldBack: HeldBack | null;
  durationMs: number;
}

/** The JSON body of a 200 answer to `POST /poll`. */
export function pollResponseBody(result: PollResult) {
  return {
    run_id: result.runId,
    tenant: result.tenant,
    busy: result.busy,
    claimed: result.claimed,
    emitted: result.emitted,
    first_id: result.firstId,
    last_id: result.lastId,
    last_seen_id: result.lastSeenId,
    held_back: heldBackDetail(result.heldBack),
    duration_ms: result.durationMs,
  };
}

export function heldBackDetail(heldBack: HeldBack | null) {
  return heldBack === null
    ? null
    : {
        since_ms: heldBack.sinceMs,
        pending_max_id: heldBack.pendingMaxId,
        oldest_xact_age_ms: heldBack.oldestXactAgeMs,
        oldest_xact_pid: heldBack.oldestXactPid,
      };
}
