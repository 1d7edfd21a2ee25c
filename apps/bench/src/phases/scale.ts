/**
 * Scale: the time of one poll on an idle tenant (nothing new to claim) as the relayed
 * history grows to 10k, 100k and 1M rows. The claim, the horizon reads and the audit
 * inserts all go through indexes, so it must stay flat.
 */
import type { PhaseDatabase } from '../database.js';
import type { Progress } from '../progress.js';
import { createPollClient } from '../relay/poll-client.js';
import { type RelayKnobs, startWatcher, stopProcess } from '../relay/processes.js';
import { percentile } from '../stats.js';
import { loadRelayedHistory } from './relayed-history.js';

// The first size is measured right after the watcher starts: warm its JIT and pool first.
const WARMUP_POLLS = 200;
const MEASURED_POLLS = 300;
const HISTORY_ENDPOINT = 'http://127.0.0.1:9/history';

export interface ScalePoint {
  rows: number;
  /** Median round trip of `POST /poll` at this size, as the scheduler sees it. */
  pollMs: number;
  pollP99Ms: number;
  loadSeconds: number;
}

export async function runScale(
  db: PhaseDatabase,
  settings: RelayKnobs & { sizes: readonly number[] },
  progress: Progress,
): Promise<ScalePoint[]> {
  const { sizes, ...knobs } = settings;
  const watcher = await startWatcher({ ...knobs, databaseUrl: db.url, endpoints: [] });
  const client = createPollClient(watcher.url);
  const points: ScalePoint[] = [];
  try {
    let loaded = 0;
    for (const size of sizes) {
      const loadStarted = Date.now();
      await loadRelayedHistory(db.pool, loaded, size, HISTORY_ENDPOINT);
      loaded = size;
      const loadSeconds = (Date.now() - loadStarted) / 1_000;
      const times: number[] = [];
      for (let i = 0; i < WARMUP_POLLS + MEASURED_POLLS; i++) {
        const { answer, sentAt, answeredAt } = await client.poll();
        if (answer.claimed !== 0) throw new Error(`an idle tenant's poll claimed ${answer.claimed} rows`);
        if (i >= WARMUP_POLLS) times.push(answeredAt - sentAt);
      }
      const point = { rows: size, pollMs: percentile(times, 0.5), pollP99Ms: percentile(times, 0.99), loadSeconds };
      progress(
        `  ${size.toLocaleString('en')} relayed rows (loaded in ${loadSeconds.toFixed(1)} s): ` +
          `poll p50 ${point.pollMs.toFixed(2)} ms, p99 ${point.pollP99Ms.toFixed(2)} ms`,
      );
      points.push(point);
    }
  } finally {
    await client.close();
    await stopProcess(watcher.proc);
  }
  return points;
}
