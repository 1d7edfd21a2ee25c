/**
 * The armed horizon must be above every xid that could still write an id ≤ the pending
 * value. `pg_snapshot_xmax` is not: it is "latest completed xid + 1", so a transaction that
 * took its xid after the last commit is running at or above it, and a later snapshot's
 * xmin can pass the horizon while that transaction is still open.
 */
import { createPool } from '@relay/db';
import { lockWatcherState } from '@relay/db/queries/lock-watcher-state';
import { waitFor } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test', max: 4 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

it('arms above the xid of a writer that started after the last commit, and never matures while it runs', async () => {
  await pool.query(`create table arming_probe (id int)`);
  await pool.query(
    `insert into relay.watcher_state (tenant, last_seen_id, pending_max_id, pending_since)
     values ('arming', 0, 10, now() - interval '1 hour')`,
  );
  const writer = await pool.connect();
  const poller = await pool.connect();
  try {
    // The writer takes its xid last: no transaction completes after it.
    await writer.query('begin');
    await writer.query('insert into arming_probe values (1)');
    const writerXid = BigInt((await writer.query('select pg_current_xact_id()::text as x')).rows[0].x);
    const xmax = BigInt((await poller.query('select pg_snapshot_xmax(pg_current_snapshot())::text as x')).rows[0].x);
    expect(xmax).toBeLessThanOrEqual(writerXid); // the trap: xmax does not cover the running writer

    await poller.query('begin');
    const arming = await lockWatcherState(poller, 'arming', 0);
    await poller.query(`update relay.watcher_state set pending_xmax = $1::bigint where tenant = 'arming'`, [
      arming?.ownXid,
    ]);
    await poller.query('commit');
    expect(BigInt(arming?.ownXid ?? 0)).toBeGreaterThan(writerXid);

    await poller.query('begin');
    const whileOpen = await lockWatcherState(poller, 'arming', 0);
    await poller.query('rollback');
    expect(whileOpen?.matured).toBe(false);

    await writer.query('commit');
    // xmin is cluster-wide: other test files' short transactions may delay maturity a little.
    await waitFor(
      async () => {
        await poller.query('begin');
        const afterCommit = await lockWatcherState(poller, 'arming', 0);
        await poller.query('rollback');
        return afterCommit?.matured;
      },
      { timeoutMs: 30_000, what: 'the horizon to mature once the writer committed' },
    );
  } finally {
    writer.release();
    poller.release();
  }
});
