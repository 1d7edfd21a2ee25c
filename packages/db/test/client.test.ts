import { assertServerVersion, createPool } from '@relay/db';
import { waitFor } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

it('sets application_name and the server-side timeouts on every connection', async () => {
  const pool = createPool({
    connectionString: db.url,
    applicationName: 'relay-test',
    statementTimeoutMs: 1234,
    idleInTransactionTimeoutMs: 5678,
  });
  try {
    const { rows } = await pool.query(
      `select current_setting('application_name') as app,
              current_setting('statement_timeout') as st,
              current_setting('idle_in_transaction_session_timeout') as iit`,
    );
    expect(rows[0]).toEqual({ app: 'relay-test', st: '1234ms', iit: '5678ms' });
  } finally {
    await pool.end();
  }
});

it('survives the server killing an idle connection, and keeps working', async () => {
  const errors: Error[] = [];
  const pool = createPool({
    connectionString: db.url,
    applicationName: 'relay-victim',
    onError: (e) => errors.push(e),
  });
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    await pool.query('select 1'); // leaves one idle client in the pool
    await admin.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'relay-victim' and datname = current_database()",
    );
    await waitFor(() => errors.length > 0, { what: 'the pool to report the dropped connection' });
    const { rows } = await pool.query('select 42 as answer');
    expect(rows[0]).toEqual({ answer: 42 });
  } finally {
    await admin.end();
    await pool.end();
  }
});

it('accepts PostgreSQL 13 or newer', async () => {
  const pool = createPool({ connectionString: db.url, applicationName: 'relay-test' });
  try {
    expect(await assertServerVersion(pool)).toBeGreaterThanOrEqual(130000);
  } finally {
    await pool.end();
  }
});
