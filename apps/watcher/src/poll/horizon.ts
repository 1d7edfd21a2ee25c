/**
 * The gap-safe watermark, as pure decisions over what the poll read. DESIGN §4.
 *
 * Invariant: every id ≤ `last_seen_id` is in the outbox or can never appear. Claims scan
 * only ids above it; the outbox anti-join skips what was emitted since.
 *
 * A pending value goes through three steps, one per poll at the earliest:
 * 1. record: `pending_max_id := M` (the last claimed id of a full batch, else the highest
 *    visible id), `pending_since := clock_timestamp()` after the claim's snapshot;
 * 2. arm: at the first poll whose lock statement starts at least the safety lag after
 *    `pending_since`, `pending_xmax :=` that poll's own xid. A transaction holding an id
 *    ≤ M took it before M was taken, hence before `pending_since`, and has an xid within
 *    the safety lag of that (the instant between `nextval` and its first write): so its
 *    xid was assigned before the arming poll's, and is below it. (Not the snapshot's xmax:
 *    that is "latest completed xid + 1", and a running transaction can sit at or above it.)
 * 3. mature: once a snapshot's xmin is ≥ the armed xid (xmin is never above a running
 *    xid below it, whether or not that xid is in the snapshot's list), every transaction that could
 *    still add an id ≤ M has ended. The claim of that poll (a later snapshot) therefore
 *    sees every row ≤ M that will ever exist; it scans from the OLD watermark, lowest ids
 *    first, so after it every such row is emitted, up to its last claimed id when the
 *    batch was full. Only then does the watermark move: to M, or to the last claimed id
 *    if the batch was full below M (the pending value stays, still mature).
 * A pending value is never replaced before it matures: under constant load a refreshed
 * horizon would never be passed.
 */
import type { LockedWatcherState } from '@relay/db/queries/lock-watcher-state';

/** What the claim found, scanning from the old watermark. */
export interface ClaimSummary {
  count: number;
  lastId: number | null;
  /** The batch was full: rows above `lastId` may still be waiting. */
  full: boolean;
  /** Highest id visible above the old watermark (only needed when not full). */
  maxVisibleId: number | null;
}

export interface PendingHorizon {
  maxId: number;
  /** xid8 as decimal text; null until armed. */
  armedXmax: string | null;
  /** The value is recorded by this poll: its clock starts now. */
  isNew: boolean;
}

export interface HorizonOutcome {
  watermarkBefore: number;
  watermarkAfter: number;
  pending: PendingHorizon | null;
  /** An armed pending value has not matured: an open transaction holds the watermark back. */
  heldBack: boolean;
  /** What happened to the pending value this poll, for the audit trail. */
  step: 'none' | 'recorded' | 'armed' | 'advanced' | 'advanced_partly' | 'waiting';
}

/** Decides the new watermark and pending horizon from the locked state and the claim. */
export function nextHorizon(state: LockedWatcherState, claim: ClaimSummary): HorizonOutcome {
  const watermarkBefore = state.lastSeenId;
  let watermark = watermarkBefore;
  let pending: PendingHorizon | null =
    state.pendingMaxId === null ? null : { maxId: state.pendingMaxId, armedXmax: state.pendingXmax, isNew: false };
  let step: HorizonOutcome['step'] = pending ? 'waiting' : 'none';

  if (pending && state.matured) {
    const reach = claim.full && claim.lastId !== null ? Math.min(pending.maxId, claim.lastId) : pending.maxId;
    watermark = Math.max(watermark, reach);
    if (reach >= pending.maxId) {
      pending = null;
      step = 'advanced';
    } else {
      step = 'advanced_partly';
    }
  } else if (pending && pending.armedXmax === null && state.lagElapsed) {
    pending = { ...pending, armedXmax: state.ownXid };
    step = 'armed';
  }

  if (pending === null) {
    const candidate = claim.full ? claim.lastId : claim.maxVisibleId;
    if (candidate !== null && candidate > watermark) {
      pending = { maxId: candidate, armedXmax: null, isNew: true };
      if (step === 'none') step = 'recorded';
    }
  }

  const heldBack = state.pendingMaxId !== null && state.pendingXmax !== null && !state.matured;
  return { watermarkBefore, watermarkAfter: watermark, pending, heldBack, step };
}
