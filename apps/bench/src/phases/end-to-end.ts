/**
 * End to end: `events` rows inserted at once into `contact_messages`, polls driven as fast
 * as they return, the dispatcher delivering to every endpoint. Also the failing-endpoint
 * run: the same with endpoint #2 answering 500 to everything.
 */
import { contactCreatedEventId, insertContactMessages } from '@relay/db';
import { waitFor } from '@relay/devkit';
import { nowMs } from '../clock.js';
import { type PhaseDatabase, TENANT } from '../database.js';
import type { Progress } from '../progress.js';
import { type BenchReceiver, startBenchReceiver } from '../receiver.js';
import { createPollClient } from '../relay/poll-client.js';
import { type RelayKnobs, startRelay } from '../relay/processes.js';
import { type LatencySummary, summarize } from '../stats.js';
import { pollUntilClaimed } from './drive-polls.js';

export interface EndToEndSettings extends RelayKnobs {
  events: number;
  /** One status per endpoint: 200 for a healthy one, 500 for one that fails every request. */
  endpointStatuses: readonly number[];
}

export interface EndpointResult {
  status: number;
  /** Events received / seconds from the first insert to this endpoint's last receipt. */
  eventsPerSecond: number | null;
  requests: number;
}

export interface EndToEndResult {
  events: number;
  polls: number;
  /** Over the healthy endpoints: first insert → last receipt. */
  seconds: number;
  eventsPerSecond: number;
  /** Poll that claimed a row answered → that row received, every (event, healthy endpoint). */
  latency: LatencySummary;
  endpoints: EndpointResult[];
}

export async function runEndToEnd(
  db: PhaseDatabase,
  settings: EndToEndSettings,
  progress: Progress,
): Promise<EndToEndResult> {
  const receivers: BenchReceiver[] = [];
  for (const status of settings.endpointStatuses) receivers.push(await startBenchReceiver(status));
  const healthy = receivers.filter((_, i) => (settings.endpointStatuses[i] ?? 200) < 300);
  const { events, endpointStatuses, ...knobs } = settings;
  const relay = await startRelay({ ...knobs, databaseUrl: db.url, endpoints: receivers.map((r) => r.url) }).catch(
    async (err: unknown) => {
      await Promise.all(receivers.map((r) => r.close()));
      throw err;
    },
  );
  const pollClient = createPollClient(relay.watcher.url);
  try {
    const total = events;
    const deadlineMs = 120_000 + total * 20;
    let lastReport = Date.now();
    const report = (claimed: number) => {
      if (Date.now() - lastReport < 2_000) return;
      lastReport = Date.now();
      const received = Math.min(...healthy.map((r) => r.arrivals.size));
      progress(`  claimed ${claimed}/${total}, received ${received}/${total}`);
    };

    const startedAt = nowMs();
    const ids = await insertContactMessages(db.pool, TENANT, total);
    const { polls, claimedAt } = await pollUntilClaimed(pollClient, total, { deadlineMs, onPoll: report });
    await waitFor(
      () => {
        report(total);
        return healthy.every((r) => r.arrivals.size >= total);
      },
      { timeoutMs: deadlineMs, intervalMs: 20, what: `${total} events at every healthy endpoint` },
    );

    const latencies: number[] = [];
    for (const receiver of healthy) {
      for (const id of ids) {
        const received = receiver.arrivals.get(contactCreatedEventId(TENANT, id));
        const claimed = claimedAt.get(id);
        if (received === undefined || claimed === undefined) throw new Error(`event ${id} missing from the run`);
        latencies.push(received - claimed);
      }
    }
    const lastReceipt = (r: BenchReceiver) => maxOf(r.arrivals.values());
    const seconds = (Math.max(...healthy.map(lastReceipt)) - startedAt) / 1_000;
    return {
      events: total,
      polls,
      seconds,
      eventsPerSecond: total / seconds,
      latency: summarize(latencies),
      endpoints: receivers.map((r, i) => {
        const status = endpointStatuses[i] ?? 200;
        return {
          status,
          eventsPerSecond: status < 300 ? total / ((lastReceipt(r) - startedAt) / 1_000) : null,
          requests: r.count(),
        };
      }),
    };
  } finally {
    await pollClient.close();
    await relay.stop();
    await Promise.all(receivers.map((r) => r.close()));
  }
}

/** Math.max over an iterable without spreading it (a spread of 10^6 arguments overflows the stack). */
function maxOf(values: Iterable<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > max) max = value;
  return max;
}
