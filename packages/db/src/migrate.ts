import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import { Logger as GraphileLogger, runMigrations as runGraphileMigrations } from 'graphile-worker';
import pg from 'pg';
import { assertServerVersion, createPool } from './client.js';

/** The folder drizzle-kit writes to: `drizzle/` at the repository root. */
export const DEFAULT_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/**
 * Key of the session advisory lock that serialises concurrent `migrate` runs (Cloud Run
 * may start several instances at once). Arbitrary, fixed: "relay" in ASCII.
 */
const MIGRATE_LOCK_KEY = 0x72656c6179;

export interface MigrateOptions {
  connectionString: string;
  migrationsFolder?: string;
  /** Progress lines for a human ("applied 0001_x"). */
  log?: (line: string) => void;
}

export interface MigrateResult {
  /** Tags of the relay migrations this run applied, oldest first; empty when up to date. */
  applied: string[];
}

interface JournalEntry {
  tag: string;
  when: number;
}

function readJournal(folder: string): JournalEntry[] {
  const raw = readFileSync(`${folder}/meta/_journal.json`, 'utf8');
  return (JSON.parse(raw) as { entries: JournalEntry[] }).entries;
}

async function lastAppliedMillis(client: pg.ClientBase): Promise<number> {
  const { rows } = await client
    .query<{ created_at: string | null }>(
      `select max(created_at)::text as created_at from drizzle.__drizzle_migrations
      where to_regclass('drizzle.__drizzle_migrations') is not null`,
    )
    .catch(() => ({ rows: [] as { created_at: string | null }[] }));
  return Number(rows[0]?.created_at ?? 0);
}

/**
 * Applies the relay's migrations and installs graphile-worker's schema. Idempotent, and
 * safe to run from several processes at once: each waits for a session advisory lock.
 * Never touches a tenant's `contact_messages`.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const folder = options.migrationsFolder ?? DEFAULT_MIGRATIONS_FOLDER;
  const log = options.log ?? (() => undefined);
  const journal = readJournal(folder);
  const client = new pg.Client({
    connectionString: options.connectionString,
    application_name: 'relay-migrate',
    connectionTimeoutMillis: 10_000,
  });
  // An error on an idle client would otherwise be an unhandled 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await assertServerVersion(client);
    await client.query('select pg_advisory_lock($1)', [MIGRATE_LOCK_KEY]);
    try {
      const before = await lastAppliedMillis(client);
      await drizzleMigrate(drizzle(client), { migrationsFolder: folder });
      const applied = journal.filter((entry) => entry.when > before).map((entry) => entry.tag);
      for (const tag of applied) log(`applied relay migration ${tag}`);
      if (applied.length === 0) log('relay schema is up to date');

      const pool = createPool({ connectionString: options.connectionString, applicationName: 'relay-migrate', max: 2 });
      try {
        await runGraphileMigrations({ pgPool: pool, logger: quietGraphileLogger });
      } finally {
        await pool.end();
      }
      log('graphile-worker schema is up to date');
      return { applied };
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATE_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** graphile-worker's migration chatter goes nowhere; failures still throw. */
const quietGraphileLogger = new GraphileLogger(() => () => undefined);
