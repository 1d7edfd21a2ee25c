import type pg from 'pg';
import { readRelayState, readTenantState } from './checks/database-state.js';
import { sleep } from './sleep.js';

export interface DrainProgress {
  missing: number;
  undelivered: number;
  jobs: number;
  failedJobs: number;
  watermarksBehind: number;
}

const isDrained = (p: DrainProgress) => p.missing + p.undelivered + p.jobs + p.watermarksBehind === 0;

async function readProgress(
  pool: pg.Pool,
  tenants: readonly string[],
  endpointUrls: readonly string[],
): Promise<DrainProgress> {
  let missing = 0;
  let watermarksBehind = 0;
  for (const tenant of tenants) {
    const state = await readTenantState(pool, tenant);
    missing += state.missing;
    if (state.watermark !== state.maxSourceId) watermarksBehind++;
  }
  const relay = await readRelayState(pool, endpointUrls);
  return { missing, undelivered: relay.undelivered, jobs: relay.jobs, failedJobs: relay.failedJobs, watermarksBehind };
}

/**
 * Waits until every source row is in the outbox, every event delivered everywhere, the
 * job queue empty and every watermark at its tenant's highest id — or the deadline.
 * Before each look it restarts what is down and requeues dead letters (the endpoints are
 * fixed by now). Returns the last progress seen and whether it drained.
 */
export async function waitForDrain(options: {
  pool: pg.Pool;
  tenants: readonly string[];
  endpointUrls: readonly string[];
  timeoutMs: number;
  beforeEachLook: (progress: DrainProgress | undefined) => Promise<void>;
  log: (line: string) => void;
}): Promise<{ drained: boolean; progress: DrainProgress | undefined; ms: number }> {
  const started = Date.now();
  let progress: DrainProgress | undefined;
  let lastLog = 0;
  while (Date.now() - started < options.timeoutMs) {
    await options.beforeEachLook(progress);
    progress = await readProgress(options.pool, options.tenants, options.endpointUrls).catch(() => progress);
    if (progress && isDrained(progress)) return { drained: true, progress, ms: Date.now() - started };
    if (Date.now() - lastLog >= 5_000) {
      lastLog = Date.now();
      options.log(`draining: ${JSON.stringify(progress ?? 'database unreachable')}`);
    }
    await sleep(500);
  }
  return { drained: false, progress, ms: Date.now() - started };
}
