import { createPool } from '@relay/db';
import {
  jobs,
  killLeftoverProcesses,
  REPO_ROOT,
  seedRetentionHistory,
  startDispatcher,
  startProcess,
  testEnv,
  waitFor,
} from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import { parseCrontab } from 'graphile-worker';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { RETENTION_CRONTAB, RETENTION_TASK } from '../src/tasks/retention.js';

const GRAPHILE_CLI = `${REPO_ROOT}/node_modules/graphile-worker/dist/cli.js`;
const ENDPOINT = 'http://127.0.0.1:9/unused';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'relay-test', max: 3 });
});

afterEach(async () => {
  await killLeftoverProcesses();
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** The shared retention history, plus graphile-worker leftovers: a task identifier and a job queue no job uses. */
async function seed(): Promise<void> {
  await seedRetentionHistory(pool);
  await pool.query(`insert into graphile_worker._private_tasks (identifier) values ('a_task_nobody_runs_any_more')`);
  await pool.query(`insert into graphile_worker._private_job_queues (queue_name) values ('an-empty-queue')`);
}

async function remaining() {
  const events = await pool.query<{ id: number }>(
    'select contact_message_id::int as id from relay.event_outbox order by 1',
  );
  const counts = await pool.query<{ deliveries: number; log: number }>(
    `select (select count(*)::int from relay.event_deliveries) as deliveries,
            (select count(*)::int from relay.agent_log where detail->>'command' is distinct from 'retention') as log`,
  );
  return { events: events.rows.map((r) => r.id), ...counts.rows[0] };
}

async function retentionLog() {
  const { rows } = await pool.query<{ detail: Record<string, unknown> }>(
    `select detail from relay.agent_log where detail->>'command' = 'retention' order by id`,
  );
  return rows.map((row) => row.detail);
}

async function graphileLeftovers() {
  const tasks = await pool.query<{ identifier: string }>(
    'select identifier from graphile_worker._private_tasks order by 1',
  );
  const queues = await pool.query<{ queue_name: string }>('select queue_name from graphile_worker._private_job_queues');
  return { tasks: tasks.rows.map((r) => r.identifier), queues: queues.rows.map((r) => r.queue_name) };
}

/** Queues one retention job and drains it with the stock CLI, as an operator would. */
async function runRetentionWithStockCli(extraEnv: Record<string, string> = {}): Promise<void> {
  await pool.query('select graphile_worker.add_job($1::text)', [RETENTION_TASK]);
  const cli = startProcess(process.execPath, [GRAPHILE_CLI, '--once'], {
    env: testEnv(db.url, [ENDPOINT], extraEnv),
    cwd: REPO_ROOT,
  });
  expect(await cli.waitForExit({ timeoutMs: 30_000 }), cli.output()).toMatchObject({ code: 0 });
  expect(await jobs(pool)).toEqual([]);
}

describe('retention (relay_retention)', () => {
  it('removes exactly the delivered events and agent_log rows older than RETENTION_DAYS, logs it, and collects graphile-worker leftovers', async () => {
    await seed();
    // The running dispatchers' task ids must survive the GC even with no job of theirs queued.
    await pool.query(
      `insert into graphile_worker._private_tasks (identifier) values ('relay_fan_out'), ('relay_deliver') on conflict do nothing`,
    );

    await runRetentionWithStockCli();
    expect(await remaining()).toEqual({ events: [3, 4, 5, 101], deliveries: 4, log: 2 });
    const [first] = await retentionLog();
    expect(first).toMatchObject({ command: 'retention', days: 30, removed: { events: 2, agent_log_rows: 2 } });
    expect(await graphileLeftovers()).toEqual({
      tasks: ['relay_deliver', 'relay_fan_out', 'relay_retention'],
      queues: [],
    });

    // A shorter period takes the 5-day-old delivered event and the 29-day-old log row too;
    // failed, undelivered and above-watermark events stay whatever their age.
    await runRetentionWithStockCli({ RETENTION_DAYS: '3' });
    expect(await remaining()).toEqual({ events: [4, 5, 101], deliveries: 3, log: 1 });
    expect((await retentionLog())[1]).toMatchObject({ days: 3, removed: { events: 1, agent_log_rows: 1 } });
  });

  it('is scheduled daily by the dispatcher through graphile-worker cron', async () => {
    const [item, ...others] = parseCrontab(RETENTION_CRONTAB);
    expect(others).toEqual([]);
    expect(item).toMatchObject({ task: RETENTION_TASK, options: { backfillPeriod: 86_400_000, maxAttempts: 5 } });
    const at = (iso: string) => {
      const d = new Date(iso);
      return item?.match({
        min: d.getUTCMinutes(),
        hour: d.getUTCHours(),
        date: d.getUTCDate(),
        month: d.getUTCMonth() + 1,
        dow: d.getUTCDay(),
      });
    };
    expect([at('2025-01-01T03:00:00Z'), at('2025-06-15T03:00:00Z')]).toEqual([true, true]);
    expect([at('2025-01-01T03:01:00Z'), at('2025-01-01T04:00:00Z'), at('2025-01-01T15:00:00Z')]).toEqual([
      false,
      false,
      false,
    ]);

    // The running dispatcher registers the schedule in graphile-worker's known_crontabs.
    await startDispatcher(testEnv(db.url, [ENDPOINT]));
    await waitFor(
      async () => {
        const { rows } = await pool.query(
          'select identifier from graphile_worker._private_known_crontabs where identifier = $1::text',
          [RETENTION_TASK],
        );
        return rows.length === 1;
      },
      { timeoutMs: 10_000, what: 'relay_retention in known_crontabs' },
    );
  });

  it('RETENTION_DAYS defaults to 30 and must be a whole number of days, at least 1', () => {
    const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', DOWNSTREAM_URLS: ENDPOINT };
    expect(loadConfig(base).retentionDays).toBe(30);
    expect(loadConfig({ ...base, RETENTION_DAYS: '7' }).retentionDays).toBe(7);
    for (const bad of ['0', '-1', '1.5', 'week']) {
      expect(() => loadConfig({ ...base, RETENTION_DAYS: bad })).toThrow(/RETENTION_DAYS/);
    }
  });
});
