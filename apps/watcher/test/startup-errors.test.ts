/**
 * Bad configuration stops the real process at start with ONE readable line naming the
 * problem, and exit code 1: `node apps/watcher/dist/main.js` spawned as production runs it.
 */
import { fileURLToPath } from 'node:url';
import { freePort, killLeftoverProcesses, startProcess } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTenantTable, watcherEnv } from './support.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

let db: TestDatabase;
let bare: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
  bare = await freshDatabase({ migrated: false });
  await createTenantTable(db.url);
});

afterEach(async () => {
  expect(await killLeftoverProcesses()).toBe(0);
});

afterAll(async () => {
  await db?.drop();
  await bare?.drop();
});

/** Starts the watcher with `env` (PATH etc. kept, nothing else inherited) and waits for it to exit. */
async function startAndFail(env: Record<string, string | undefined>) {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const proc = startProcess(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...clean } });
  const exit = await proc.waitForExit({ timeoutMs: 20_000 });
  return { ...exit, lines: proc.output().trim().split('\n') };
}

const base = () => watcherEnv(db.url, { PORT: '0', LOG_LEVEL: 'info' });

describe('the watcher refuses to start', () => {
  const cases: Array<[string, () => Record<string, string | undefined>, RegExp]> = [
    [
      'without WATCHER_AGENT_KEY',
      () => ({ ...base(), WATCHER_AGENT_KEY: undefined }),
      /WATCHER_AGENT_KEY: is required/,
    ],
    ['with a blank WATCHER_AGENT_KEY', () => ({ ...base(), WATCHER_AGENT_KEY: ' , ' }), /WATCHER_AGENT_KEY: must/],
    ['with BATCH_SIZE=0', () => ({ ...base(), BATCH_SIZE: '0' }), /BATCH_SIZE: must be an integer between 1 and 10000/],
    ['with BATCH_SIZE=abc', () => ({ ...base(), BATCH_SIZE: 'abc' }), /BATCH_SIZE: must be an integer/],
    ['with BATCH_SIZE=10001', () => ({ ...base(), BATCH_SIZE: '10001' }), /BATCH_SIZE: must be an integer/],
    ['with an unsafe tenant name', () => ({ ...base(), TENANTS: 'hoamx_com,Bad-Name' }), /TENANTS: .*"Bad-Name"/],
    ['with a reserved tenant name', () => ({ ...base(), TENANTS: 'relay' }), /TENANTS: tenant "relay" is a reserved/],
    [
      'with a DATA_FIELDS name that is not a column name',
      () => ({ ...base(), DATA_FIELDS: 'name,"x"' }),
      /DATA_FIELDS:/,
    ],
    [
      'with a DATA_FIELDS column missing from the tenant table',
      () => ({ ...base(), DATA_FIELDS: 'name,fax' }),
      /DATA_FIELDS: column "fax" does not exist in hoamx_com\.contact_messages \(tenant "hoamx_com"\)/,
    ],
    [
      'with a tenant that has no contact_messages table',
      () => ({ ...base(), TENANTS: 'hoamx_com,nobody_here' }),
      /TENANTS: tenant "nobody_here" has no table nobody_here\.contact_messages/,
    ],
    ['without DATABASE_URL', () => ({ ...base(), DATABASE_URL: undefined }), /DATABASE_URL is not set/],
    [
      'on a database where the relay is not migrated',
      () => ({ ...base(), DATABASE_URL: bare.url }),
      /relay schema is missing .*npm run db:migrate/,
    ],
  ];

  it.each(cases)('%s, in one line, exit 1', async (_what, env, message) => {
    const { code, lines } = await startAndFail(env());
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^watcher: /);
    expect(lines[0]).toMatch(message);
  });

  it('with a wrong database password at once, without printing the password', async () => {
    const url = new URL(db.url);
    url.password = 'not-the-password';
    const started = Date.now();
    const { code, lines } = await startAndFail({ ...base(), DATABASE_URL: url.toString() });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/password authentication failed/);
    expect(lines[0]).not.toContain('not-the-password');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('after retrying an unreachable database for DATABASE_STARTUP_WAIT_MS', async () => {
    const port = await freePort();
    const started = Date.now();
    const { code, lines } = await startAndFail({
      ...base(),
      DATABASE_URL: `postgres://relay:secret-pw@127.0.0.1:${port}/relay`,
      DATABASE_STARTUP_WAIT_MS: '1500',
    });
    expect(code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    // Retries are logged (JSON lines); the last line is the one-line reason.
    const last = lines.at(-1) ?? '';
    expect(last).toMatch(/^watcher: failed to start: database unreachable: connection refused .*gave up after 1\.5 s/);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(0, -1)) {
      expect(JSON.parse(line)).toMatchObject({ severity: 'WARNING', message: 'database not reachable yet; retrying' });
    }
    expect(lines.join('\n')).not.toContain('secret-pw');
  });
});
