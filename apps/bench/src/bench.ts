/**
 * One bench run: the machine's limits first, then the relay end to end, at rest, at scale
 * and with a failing endpoint, all on one embedded PostgreSQL (a fresh database per
 * phase). Returns every figure; `report/` turns them into the summary and the table.
 */
import { type PhaseDatabase, type StatementStat, startBenchServer } from './database.js';
import { measurePollTransaction, type PollThroughput } from './limits/poll-transaction.js';
import { measureRawGraphileLatency, measureRawGraphileThroughput, type RawThroughput } from './limits/raw-graphile.js';
import { measureRawUndici, type RawUndici } from './limits/raw-undici.js';
import { type BenchOptions, scaleSizes } from './options.js';
import { type EndToEndResult, runEndToEnd } from './phases/end-to-end.js';
import { runLatencyAtRest } from './phases/latency-at-rest.js';
import { runScale, type ScalePoint } from './phases/scale.js';
import type { Progress } from './progress.js';
import { startBenchReceiver } from './receiver.js';
import type { RelayKnobs } from './relay/processes.js';
import type { LatencySummary } from './stats.js';

export interface BenchFigures {
  limits: {
    rawGraphile: RawThroughput;
    rawGraphileLatency: LatencySummary;
    rawUndici: RawUndici;
    pollTransaction: PollThroughput[];
  };
  endToEndOne: EndToEndResult;
  endToEndTwo: EndToEndResult;
  latencyAtRest: LatencySummary;
  scale: ScalePoint[];
  failingEndpoint: EndToEndResult;
  /** Top statements per phase, with --pg-stats. */
  statements: Record<string, StatementStat[]>;
}

export interface BenchRun {
  figures: BenchFigures;
  postgresVersion: string;
}

const POLL_BATCH_SIZES = [50, 500] as const;

export async function runBench(options: BenchOptions, progress: Progress): Promise<BenchRun> {
  progress(`starting PostgreSQL (fsync ${options.durable ? 'on' : 'off'})`);
  const server = await startBenchServer({ durable: options.durable, pgStats: options.pgStats });
  const statements: Record<string, StatementStat[]> = {};
  let phaseNumber = 0;
  const phase = async <T>(label: string, fn: (db: PhaseDatabase) => Promise<T>): Promise<T> => {
    const db = await server.freshDatabase(`bench_${++phaseNumber}`);
    const started = Date.now();
    progress(`${label}…`);
    try {
      const result = await fn(db);
      progress(`${label}: done in ${((Date.now() - started) / 1_000).toFixed(1)} s`);
      const top = await server.topStatements(db);
      if (top.length > 0) statements[label] = top;
      return result;
    } finally {
      await db.drop().catch(() => undefined);
    }
  };

  try {
    const limits = await measureLimits(options, phase, progress);
    const e2e: RelayKnobs = {
      concurrency: options.concurrency,
      batchSize: options.batchSize,
      logLevel: options.logLevel,
      nodeArgs: options.nodeArgs,
    };
    const endToEndOne = await phase('end to end, one endpoint', (db) =>
      runEndToEnd(db, { ...e2e, events: options.events, endpointStatuses: [200] }, progress),
    );
    progress(`  ${endToEndOne.eventsPerSecond.toFixed(0)} events/s, p50 ${endToEndOne.latency.p50.toFixed(1)} ms`);
    const endToEndTwo = await phase('end to end, two endpoints', (db) =>
      runEndToEnd(db, { ...e2e, events: options.events, endpointStatuses: [200, 200] }, progress),
    );
    progress(`  ${endToEndTwo.eventsPerSecond.toFixed(0)} events/s, p50 ${endToEndTwo.latency.p50.toFixed(1)} ms`);
    const latencyAtRest = await phase(`latency at rest, ${options.latencySamples} single rows`, (db) =>
      runLatencyAtRest(db, { ...e2e, samples: options.latencySamples }, progress),
    );
    progress(`  p50 ${latencyAtRest.p50.toFixed(2)} ms, p99 ${latencyAtRest.p99.toFixed(2)} ms`);
    const scale = await phase('scale: idle-tenant poll over relayed history', (db) =>
      runScale(db, { ...e2e, sizes: scaleSizes(options.scaleMax) }, progress),
    );
    const failingEndpoint = await phase('scale: one of two endpoints failing every request', (db) =>
      runEndToEnd(db, { ...e2e, events: options.events, endpointStatuses: [200, 500] }, progress),
    );
    progress(`  healthy endpoint: ${failingEndpoint.endpoints[0]?.eventsPerSecond?.toFixed(0)} events/s`);
    return {
      postgresVersion: server.version,
      figures: { limits, endToEndOne, endToEndTwo, latencyAtRest, scale, failingEndpoint, statements },
    };
  } finally {
    progress('stopping PostgreSQL');
    await server.close();
  }
}

type Phase = <T>(label: string, fn: (db: PhaseDatabase) => Promise<T>) => Promise<T>;

async function measureLimits(options: BenchOptions, phase: Phase, progress: Progress): Promise<BenchFigures['limits']> {
  // As much work as the end-to-end run gives graphile-worker and undici, and never too little to time.
  const jobs = Math.max(5_000, options.events * 2);
  const rawGraphile = await phase(`limit: graphile-worker no-op jobs (${jobs})`, (db) =>
    measureRawGraphileThroughput(db.pool, { jobs, concurrency: options.concurrency }),
  );
  progress(`  ${rawGraphile.jobsPerSecond.toFixed(0)} jobs/s`);
  const rawGraphileLatency = await phase('limit: graphile-worker single-job latency', (db) =>
    measureRawGraphileLatency(db.pool, { samples: options.latencySamples, warmup: 20 }),
  );
  progress(`  p50 ${rawGraphileLatency.p50.toFixed(2)} ms, p99 ${rawGraphileLatency.p99.toFixed(2)} ms`);
  const receiver = await startBenchReceiver();
  const rawUndici = await measureRawUndici(receiver, { requests: jobs, concurrency: options.concurrency }).finally(() =>
    receiver.close(),
  );
  progress(`limit: raw undici POSTs: ${rawUndici.requestsPerSecond.toFixed(0)} requests/s`);
  const pollTransaction: PollThroughput[] = [];
  for (const batchSize of POLL_BATCH_SIZES) {
    const rows = Math.max(options.events, batchSize * 20);
    const result = await phase(`limit: poll transaction alone, BATCH_SIZE ${batchSize} (${rows} rows)`, (db) =>
      measurePollTransaction(db.pool, { rows, batchSize }),
    );
    progress(`  ${result.rowsPerSecond.toFixed(0)} rows claimed/s in ${result.polls} polls`);
    pollTransaction.push(result);
  }
  return { rawGraphile, rawGraphileLatency, rawUndici, pollTransaction };
}
