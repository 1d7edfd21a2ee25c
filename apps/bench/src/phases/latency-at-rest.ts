/**
 * Latency at rest (graphile-worker's latencyTest is the model): single rows, each
 * inserted, polled and delivered before the next, on an otherwise idle relay. The figure
 * is the dispatcher stage: from the poll's answer (its transaction committed, the fan-out
 * job queued) to the endpoint receiving the event.
 */
import { contactCreatedEventId, insertContactMessages } from '@relay/db';
import type { PhaseDatabase } from '../database.js';
import { TENANT } from '../database.js';
import type { Progress } from '../progress.js';
import { startBenchReceiver } from '../receiver.js';
import { createPollClient } from '../relay/poll-client.js';
import { type RelayKnobs, startRelay } from '../relay/processes.js';
import { type LatencySummary, summarize } from '../stats.js';
import { pollUntilClaimed } from './drive-polls.js';

const WARMUP = 20;
const SAMPLE_TIMEOUT_MS = 15_000;

export async function runLatencyAtRest(
  db: PhaseDatabase,
  settings: RelayKnobs & { samples: number },
  progress: Progress,
): Promise<LatencySummary> {
  const receiver = await startBenchReceiver();
  const { samples, ...knobs } = settings;
  const relay = await startRelay({ ...knobs, databaseUrl: db.url, endpoints: [receiver.url] }).catch(
    async (err: unknown) => {
      await receiver.close();
      throw err;
    },
  );
  const pollClient = createPollClient(relay.watcher.url);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < WARMUP + samples; i++) {
      const [id] = await insertContactMessages(db.pool, TENANT, 1);
      if (id === undefined) throw new Error('insert returned no id');
      const { claimedAt } = await pollUntilClaimed(pollClient, 1, { deadlineMs: SAMPLE_TIMEOUT_MS });
      const answeredAt = claimedAt.get(id);
      if (answeredAt === undefined) throw new Error(`the poll claimed another row than ${id}`);
      const received = await withTimeout(receiver.arrival(contactCreatedEventId(TENANT, id)), SAMPLE_TIMEOUT_MS, id);
      if (i >= WARMUP) latencies.push(received - answeredAt);
      if ((i + 1) % 200 === 0) progress(`  ${i + 1 - WARMUP}/${samples} single rows delivered`);
    }
  } finally {
    await pollClient.close();
    await relay.stop();
    await receiver.close();
  }
  return summarize(latencies);
}

function withTimeout<T>(promise: Promise<T>, ms: number, id: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`row ${id} was not delivered within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
