/**
 * The watermark's decisions (record → arm → mature → advance) as a pure function, one
 * rule per test. The database-level proofs are in watermark-gaps.test.ts.
 */
import type { LockedWatcherState } from '@relay/db/queries/lock-watcher-state';
import { describe, expect, it } from 'vitest';
import { type ClaimSummary, nextHorizon } from '../src/poll/horizon.js';

const state = (overrides: Partial<LockedWatcherState> = {}): LockedWatcherState => ({
  lastSeenId: 100,
  pendingMaxId: null,
  pendingXmax: null,
  pendingAgeMs: null,
  lagElapsed: false,
  matured: false,
  ownXid: '9000',
  ...overrides,
});
const claim = (overrides: Partial<ClaimSummary> = {}): ClaimSummary => ({
  count: 0,
  lastId: null,
  full: false,
  maxVisibleId: null,
  ...overrides,
});

describe('nextHorizon', () => {
  it('records the highest visible id when the batch was not full, without moving the watermark', () => {
    const out = nextHorizon(state(), claim({ count: 3, lastId: 110, maxVisibleId: 112 }));
    expect(out).toMatchObject({ watermarkAfter: 100, step: 'recorded', heldBack: false });
    expect(out.pending).toEqual({ maxId: 112, armedXmax: null, isNew: true });
  });

  it('records the last claimed id when the batch was full (rows beyond it are not emitted yet)', () => {
    const out = nextHorizon(state(), claim({ count: 50, lastId: 150, full: true }));
    expect(out.pending).toEqual({ maxId: 150, armedXmax: null, isNew: true });
  });

  it('records nothing when nothing is above the watermark', () => {
    expect(nextHorizon(state(), claim()).pending).toBeNull();
  });

  it('waits while the safety lag has not elapsed, and never refreshes the pending value', () => {
    const out = nextHorizon(
      state({ pendingMaxId: 120, pendingAgeMs: 10 }),
      claim({ count: 5, lastId: 130, maxVisibleId: 130 }),
    );
    expect(out).toMatchObject({ watermarkAfter: 100, step: 'waiting', heldBack: false });
    expect(out.pending).toEqual({ maxId: 120, armedXmax: null, isNew: false });
  });

  it('arms the pending value with this snapshot’s xmax once the lag has elapsed', () => {
    const out = nextHorizon(state({ pendingMaxId: 120, lagElapsed: true, ownXid: '9001' }), claim());
    expect(out).toMatchObject({ watermarkAfter: 100, step: 'armed', heldBack: false });
    expect(out.pending).toEqual({ maxId: 120, armedXmax: '9001', isNew: false });
  });

  it('reports a hold-back while an armed value has not matured, and keeps it unchanged', () => {
    const out = nextHorizon(
      state({ pendingMaxId: 120, pendingXmax: '9001', lagElapsed: true, ownXid: '9500' }),
      claim({ count: 1, lastId: 121, maxVisibleId: 121 }),
    );
    expect(out).toMatchObject({ watermarkAfter: 100, step: 'waiting', heldBack: true });
    expect(out.pending).toEqual({ maxId: 120, armedXmax: '9001', isNew: false });
  });

  it('advances to the pending value once matured, and records the next one', () => {
    const out = nextHorizon(
      state({ pendingMaxId: 120, pendingXmax: '9001', lagElapsed: true, matured: true }),
      claim({ count: 4, lastId: 125, maxVisibleId: 125 }),
    );
    expect(out).toMatchObject({ watermarkBefore: 100, watermarkAfter: 120, step: 'advanced', heldBack: false });
    expect(out.pending).toEqual({ maxId: 125, armedXmax: null, isNew: true });
  });

  it('advances only to the last claimed id when a full batch stopped below the pending value', () => {
    const out = nextHorizon(
      state({ pendingMaxId: 500, pendingXmax: '9001', lagElapsed: true, matured: true }),
      claim({ count: 50, lastId: 160, full: true }),
    );
    expect(out).toMatchObject({ watermarkAfter: 160, step: 'advanced_partly' });
    expect(out.pending).toEqual({ maxId: 500, armedXmax: '9001', isNew: false });
  });

  it('never moves the watermark backwards', () => {
    const out = nextHorizon(
      state({ lastSeenId: 300, pendingMaxId: 200, pendingXmax: '1', matured: true }),
      claim({ maxVisibleId: 300 }),
    );
    expect(out.watermarkAfter).toBe(300);
    expect(out.pending).toBeNull();
  });
});
