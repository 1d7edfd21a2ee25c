import { freePort, waitFor } from '@relay/devkit';
import type { SlotSpec } from './fleet.js';
import type { SoakOptions } from './options.js';

export const AGENT_KEY = 'soak-agent-key';

/**
 * The relay's configuration under the soak: short backoffs and a short stale-dispatcher
 * time so a run recovers from its faults in seconds, not the production minutes.
 */
export const RELAY_TUNING = {
  BATCH_SIZE: '100',
  WATERMARK_SAFETY_LAG_MS: '100',
  DOWNSTREAM_TIMEOUT_MS: '2000',
  // High enough that no retryable fault window (a few seconds) exhausts a delivery.
  DELIVERY_MAX_ATTEMPTS: '30',
  DELIVERY_BACKOFF_BASE_MS: '50',
  DELIVERY_BACKOFF_MAX_MS: '1000',
  WORKER_CONCURRENCY: '8',
  // Retries are scheduled ~50 ms–1 s ahead: the worker must look for due jobs that often.
  WORKER_POLL_INTERVAL_MS: '250',
  DISPATCHER_STALE_AFTER_MS: '5000',
} as const;

export const tenantNames = (count: number) => Array.from({ length: count }, (_, i) => `soak_${i}`);

/** Ports and environments for every watcher and dispatcher of the run. */
export async function slotSpecs(
  options: SoakOptions,
  databaseUrl: string,
  endpointUrls: readonly string[],
): Promise<SlotSpec[]> {
  const common = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ...RELAY_TUNING,
  };
  const specs: SlotSpec[] = [];
  for (let index = 0; index < options.watchers; index++) {
    specs.push({
      role: 'watcher',
      index,
      port: await freePort(),
      env: { ...common, WATCHER_AGENT_KEY: AGENT_KEY, TENANTS: tenantNames(options.tenants).join(',') },
    });
  }
  for (let index = 0; index < options.dispatchers; index++) {
    specs.push({
      role: 'dispatcher',
      index,
      port: await freePort(),
      env: { ...common, DOWNSTREAM_URLS: endpointUrls.join(',') },
    });
  }
  return specs;
}

/** Waits until every process answers its readiness probe (the database is reachable). */
export async function waitUntilReady(urls: readonly string[], timeoutMs = 60_000): Promise<void> {
  await Promise.all(
    urls.map((url) =>
      waitFor(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok, {
        timeoutMs,
        intervalMs: 200,
        what: `${url}/readyz`,
      }),
    ),
  );
}
