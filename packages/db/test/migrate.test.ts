import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createContactMessagesTable, insertContactMessages, migrate } from '@relay/db';
import { freePort, withClient } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const migrateCli = fileURLToPath(new URL('../dist/migrate-cli.js', import.meta.url));

const databases: TestDatabase[] = [];
async function emptyDatabase(): Promise<TestDatabase> {
  const db = await freshDatabase({ migrated: false });
  databases.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(text, values)).rows);
}

/** Runs `npm run db:migrate`'s program as a real process; never throws. */
async function runCli(databaseUrl: string | undefined) {
  const env = { ...process.env };
  if (databaseUrl === undefined) delete env.DATABASE_URL;
  else env.DATABASE_URL = databaseUrl;
  try {
    const { stdout, stderr } = await run(process.execPath, [migrateCli], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('migrate', () => {
  it('creates every relay table and index, and graphile-worker schema', async () => {
    const db = await emptyDatabase();
    const lines: string[] = [];
    const result = await migrate({ connectionString: db.url, log: (line) => lines.push(line) });

    expect(result.applied).toEqual([
      '0000_init',
      '0001_watcher_state_pruned_through',
      '0002_mark_delivery_delivered_function',
    ]);
    expect(lines).toContain('applied relay migration 0000_init');

    const tables = await query<{ table_name: string }>(
      db.url,
      "select table_name from information_schema.tables where table_schema = 'relay' order by 1",
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'agent_log',
      'dispatcher_heartbeats',
      'event_deliveries',
      'event_outbox',
      'watcher_state',
    ]);
    const indexes = await query<{ indexname: string }>(
      db.url,
      "select indexname from pg_indexes where schemaname = 'relay' order by 1",
    );
    expect(indexes.map((i) => i.indexname)).toEqual([
      'agent_log_created_idx',
      'agent_log_pkey',
      'agent_log_run_idx',
      'agent_log_tenant_created_idx',
      'dispatcher_heartbeats_pkey',
      'event_deliveries_event_id_endpoint_url_pk',
      'event_deliveries_open_idx',
      'event_outbox_delivered_at_idx',
      'event_outbox_pkey',
      'event_outbox_tenant_source_idx',
      'event_outbox_undelivered_idx',
      'watcher_state_pkey',
    ]);
    const [addJobs] = await query<{ n: string }>(
      db.url,
      "select count(*) as n from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'graphile_worker' and p.proname = 'add_jobs'",
    );
    expect(Number(addJobs?.n)).toBe(1);
  });

  it('applies nothing the second time', async () => {
    const db = await emptyDatabase();
    await migrate({ connectionString: db.url });
    const lines: string[] = [];
    const again = await migrate({ connectionString: db.url, log: (line) => lines.push(line) });
    expect(again.applied).toEqual([]);
    expect(lines).toContain('relay schema is up to date');
  });

  it('succeeds when two processes run it at the same moment', async () => {
    const db = await emptyDatabase();
    const [a, b] = await Promise.all([runCli(db.url), runCli(db.url)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    // Exactly one of them applied the migration; the other found it done.
    const applied = [a.stdout, b.stdout].filter((out) => out.includes('applied relay migration 0000_init'));
    expect(applied).toHaveLength(1);
    const [count] = await query<{ n: string }>(db.url, 'select count(*) as n from drizzle.__drizzle_migrations');
    expect(Number(count?.n)).toBe(3);
  });

  it("leaves a tenant's existing contact_messages and its rows untouched", async () => {
    const db = await emptyDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const describeTable = async () =>
      (
        await client.query(
          `select column_name, data_type, is_nullable, column_default from information_schema.columns
            where table_schema = 'hoamx_com' and table_name = 'contact_messages' order by ordinal_position`,
        )
      ).rows;
    const contents = async () =>
      (await client.query("select md5(string_agg(m::text, ',' order by id)) as h from hoamx_com.contact_messages m"))
        .rows[0];
    try {
      await createContactMessagesTable(client, 'hoamx_com');
      await insertContactMessages(client, 'hoamx_com', 25);
      const shapeBefore = await describeTable();
      const rowsBefore = await contents();

      await migrate({ connectionString: db.url });

      expect(await describeTable()).toEqual(shapeBefore);
      expect(await contents()).toEqual(rowsBefore);
    } finally {
      await client.end();
    }
  });
});

describe('npm run db:migrate', () => {
  it('prints what it applied and exits 0', async () => {
    const db = await emptyDatabase();
    const first = await runCli(db.url);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('applied relay migration 0000_init');
    expect(first.stdout).toContain('graphile-worker schema is up to date');
    const second = await runCli(db.url);
    expect(second.stdout).toContain('relay schema is up to date');
  });

  it.each([
    ['unset', undefined, /^db:migrate failed: DATABASE_URL is not set/],
    ['not a URL', 'not a url', /^db:migrate failed: DATABASE_URL is not a valid URL/],
    ['another scheme', 'mysql://u:p@127.0.0.1/x', /^db:migrate failed: DATABASE_URL must start with postgres:\/\//],
  ])('rejects a DATABASE_URL that is %s with one line and exit 1', async (_label, url, message) => {
    const result = await runCli(url);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it('reports an unreachable database with one line and exit 1, without the password', async () => {
    const port = await freePort();
    const result = await runCli(`postgres://relay:s3cret@127.0.0.1:${port}/relay`);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/database unreachable: connection refused \(127\.0\.0\.1:\d+\)/);
    expect(result.stderr).not.toContain('s3cret');
  });
});
