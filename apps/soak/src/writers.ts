import { insertContactMessages } from '@relay/db';
import type pg from 'pg';
import type { FaultFamily } from './options.js';
import type { Random } from './prng.js';
import { sleep } from './sleep.js';

export interface WriterStats {
  transactions: number;
  committedRows: number;
  /** Rows inserted then rolled back on purpose: gaps in the id sequence. */
  rolledBackRows: number;
  /** Transactions held open while others committed higher ids (out-of-order commits). */
  longTransactions: number;
  /** Failed transactions (PostgreSQL restarting): their outcome is whatever the database says. */
  errors: number;
}

export interface Writers {
  stats(): WriterStats;
  /** Stops after the transactions in flight finish; idempotent. */
  stop(): Promise<WriterStats>;
}

export interface WriterOptions {
  pool: pg.Pool;
  tenants: readonly string[];
  /** One generator per writer, forked from the seed. */
  randoms: readonly Random[];
  faults: ReadonlySet<FaultFamily>;
}

type TransactionKind = 'short' | 'long' | 'rollback';

function drawKind(rng: Random, faults: ReadonlySet<FaultFamily>): TransactionKind {
  const roll = rng.next();
  if (faults.has('long-tx') && roll < 0.15) return 'long';
  if (faults.has('rollback') && roll > 0.88) return 'rollback';
  return 'short';
}

async function writeOne(
  pool: pg.Pool,
  tenant: string,
  rows: number,
  kind: TransactionKind,
  holdMs: number,
  stats: WriterStats,
): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    await insertContactMessages(client, tenant, rows);
    // Holding the transaction open after taking ids lets other writers commit higher
    // ids first: exactly the out-of-order commit that a plain high-water mark loses.
    if (kind !== 'short') await sleep(holdMs);
    if (kind === 'rollback') {
      await client.query('rollback');
      stats.rolledBackRows += rows;
    } else {
      await client.query('commit');
      stats.committedRows += rows;
      if (kind === 'long') stats.longTransactions++;
    }
    stats.transactions++;
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    await client.query('rollback').catch(() => undefined);
    throw broken;
  } finally {
    client.release(broken);
  }
}

/**
 * Starts one loop per writer, inserting into random tenants: mostly short transactions,
 * some held open for a while (committing out of id order), some rolled back. They keep
 * going through a PostgreSQL restart, counting the failures.
 */
export function startWriters(options: WriterOptions): Writers {
  const stats: WriterStats = { transactions: 0, committedRows: 0, rolledBackRows: 0, longTransactions: 0, errors: 0 };
  let stopped = false;
  const loop = async (rng: Random): Promise<void> => {
    while (!stopped) {
      const kind = drawKind(rng, options.faults);
      const tenant = rng.pick(options.tenants);
      const rows = rng.int(1, 4);
      const holdMs = kind === 'short' ? 0 : rng.int(300, 2_500);
      try {
        await writeOne(options.pool, tenant, rows, kind, holdMs, stats);
      } catch {
        stats.errors++;
        await sleep(200);
      }
      await sleep(rng.int(30, 250));
    }
  };
  const loops = options.randoms.map((rng) => loop(rng));
  let stopping: Promise<WriterStats> | undefined;
  return {
    stats: () => ({ ...stats }),
    stop() {
      stopped = true;
      stopping ??= Promise.all(loops).then(() => ({ ...stats }));
      return stopping;
    },
  };
}
