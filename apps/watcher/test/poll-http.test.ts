/**
 * `POST /poll` answers and refusals over HTTP (in-process, real database): every error
 * code, JSON bodies without stack traces, and that no refused request writes anything.
 */
import { createLogger } from '@relay/common';
import { createPool, insertContactMessages } from '@relay/db';
import { freePort } from '@relay/devkit';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, buildApp, loadConfig } from '../src/app.js';
import {
  AGENT_KEY,
  countWrites,
  createTenantTable,
  ROTATED_KEY,
  startTestWatcher,
  type TestWatcher,
  watcherEnv,
  withClient,
} from './support.js';

let db: TestDatabase;
let watcher: TestWatcher;

beforeAll(async () => {
  db = await freshDatabase();
  await createTenantTable(db.url);
  await withClient(db.url, (client) => insertContactMessages(client, 'hoamx_com', 3));
  watcher = await startTestWatcher(db.url, { env: { TENANTS: 'hoamx_com,acme_io' } });
});

afterAll(async () => {
  await watcher?.close();
  await db?.drop();
});

function post(headers: Record<string, string>, payload?: string) {
  return watcher.app.inject({ method: 'POST', url: '/poll', headers, payload });
}

const json = { 'content-type': 'application/json' };
const withKey = { ...json, 'x-agent-key': AGENT_KEY };

describe('POST /poll refuses bad requests without writing anything', () => {
  const refusals: Array<[string, () => ReturnType<typeof post>, number, RegExp]> = [
    ['a missing x-agent-key', () => post(json, '{"tenant":"hoamx_com"}'), 401, /missing x-agent-key/],
    ['a wrong x-agent-key', () => post({ ...json, 'x-agent-key': 'nope' }, '{}'), 401, /invalid x-agent-key/],
    [
      'a key that is a prefix of a real one',
      () => post({ ...json, 'x-agent-key': AGENT_KEY.slice(0, -1) }, '{}'),
      401,
      /invalid x-agent-key/,
    ],
    ['malformed JSON', () => post(withKey, '{"tenant":'), 400, /JSON/],
    ['a JSON array body', () => post(withKey, '["hoamx_com"]'), 400, /JSON object/],
    ['an unknown property', () => post(withKey, '{"tenant":"hoamx_com","x":1}'), 400, /unknown property "x"/],
    ['a tenant that is not a string', () => post(withKey, '{"tenant":42}'), 400, /tenant: must be a string/],
    ['a tenant name with bad syntax', () => post(withKey, '{"tenant":"Robert\'); drop"}'), 400, /not a valid name/],
    ['a reserved tenant name', () => post(withKey, '{"tenant":"pg_catalog"}'), 400, /reserved/],
    ['a tenant not in TENANTS', () => post(withKey, '{"tenant":"other_tenant"}'), 404, /not configured/],
    [
      'a body over the limit',
      () => post(withKey, JSON.stringify({ tenant: 'x'.repeat(BODY_LIMIT_BYTES) })),
      413,
      /too large/i,
    ],
    [
      'a body that is not JSON',
      () => post({ 'content-type': 'text/plain', 'x-agent-key': AGENT_KEY }, 'hoamx_com'),
      400,
      /JSON object/,
    ],
  ];

  it.each(refusals)('answers %s with its code and a JSON error', async (_what, send, status, message) => {
    const before = await countWrites(watcher.pool);
    const response = await send();
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toMatch(message);
    expect(response.body).not.toMatch(/\bat .*\.(js|ts):\d+/);
    expect(await countWrites(watcher.pool)).toEqual(before);
  });

  it('refuses a wrong key before reading the body (401, not 413, for a huge unauthenticated body)', async () => {
    const response = await post({ ...json, 'x-agent-key': 'nope' }, 'x'.repeat(BODY_LIMIT_BYTES * 2));
    expect(response.statusCode).toBe(401);
  });
});

describe('POST /poll accepts', () => {
  it('the second key of a rotation', async () => {
    const response = await post({ ...json, 'x-agent-key': ROTATED_KEY }, '{"tenant":"hoamx_com"}');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ tenant: 'hoamx_com', busy: false });
  });

  it('no body at all, polling the first configured tenant', async () => {
    const response = await post({ 'x-agent-key': AGENT_KEY });
    expect(response.statusCode).toBe(200);
    expect(response.json().tenant).toBe('hoamx_com');
  });

  it('an empty application/json body, as some schedulers send', async () => {
    const response = await post(withKey, '');
    expect(response.statusCode).toBe(200);
    expect(response.json().tenant).toBe('hoamx_com');
  });

  it('echoes a caller request id and makes one up otherwise', async () => {
    const given = await post({ ...withKey, 'x-request-id': 'sched-42' }, '{}');
    expect(given.headers['x-request-id']).toBe('sched-42');
    const made = await post(withKey, '{}');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('health', () => {
  it('/healthz and /readyz answer 200 with the database up; unknown routes 404 JSON', async () => {
    expect((await watcher.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await watcher.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const missing = await watcher.app.inject({ method: 'GET', url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not found' });
  });
});

describe('with the database unreachable', () => {
  it('answers /poll and /readyz with 503 and /healthz with 200', async () => {
    // A port nobody listens on: connection refused, as when the server is down.
    const deadUrl = `postgres://postgres:secret@127.0.0.1:${await freePort()}/nothing`;
    const config = loadConfig(watcherEnv(deadUrl));
    const pool = createPool({ connectionString: deadUrl, applicationName: 'dead', connectionTimeoutMs: 1_000 });
    const app = buildApp({ config, pool, logger: createLogger({ name: 'watcher', level: 'silent' }) });
    try {
      const poll = await app.inject({ method: 'POST', url: '/poll', headers: { 'x-agent-key': AGENT_KEY } });
      expect(poll.statusCode).toBe(503);
      expect(poll.json()).toEqual({ error: 'database unavailable' });
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ error: 'database unavailable' });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await pool.end();
    }
  });
});
