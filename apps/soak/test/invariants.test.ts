import { createContactMessagesTable, createPool, insertContactMessages } from '@relay/db';
import { freshDatabase, type TestDatabase } from '@relay/devkit/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkDatabaseInvariants } from '../src/checks/database-invariants.js';
import type { Invariant } from '../src/checks/invariant.js';
import { checkProcessInvariants } from '../src/checks/process-invariants.js';
import { checkReceiverInvariants } from '../src/checks/receiver-invariants.js';
import type { EndpointRecord } from '../src/endpoints.js';
import { insertEvents, setWatermark } from './fixtures.js';

const ENDPOINTS = ['http://127.0.0.1:1/events/0', 'http://127.0.0.1:2/events/1'];
const TENANT = 'shop_a';

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'soak-invariants-test', max: 2 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(async () => {
  await pool.query(`drop schema if exists ${TENANT} cascade; truncate relay.event_outbox, relay.watcher_state cascade;
    delete from graphile_worker._private_jobs`);
  await createContactMessagesTable(pool, TENANT);
});

const byName = (invariants: Invariant[], name: string) => {
  const found = invariants.find((i) => i.name.startsWith(name));
  if (!found) throw new Error(`no invariant "${name}"`);
  return found;
};
const check = () => checkDatabaseInvariants(pool, { tenants: [TENANT], endpointUrls: ENDPOINTS });

describe('the database invariants', () => {
  it('all hold for a fully relayed tenant', async () => {
    const ids = await insertContactMessages(pool, TENANT, 5);
    await insertEvents(pool, TENANT, ids, { deliveredTo: ENDPOINTS, markDelivered: true });
    await setWatermark(pool, TENANT, Math.max(...ids));
    const invariants = await check();
    expect(invariants.filter((i) => !i.ok)).toEqual([]);
    expect(byName(invariants, 'every committed source row').detail).toContain('5 source rows; 0 without');
  });

  it('report a committed source row that has no outbox row, naming it', async () => {
    const ids = await insertContactMessages(pool, TENANT, 4);
    const lost = ids[1] ?? 0;
    await insertEvents(
      pool,
      TENANT,
      ids.filter((id) => id !== lost),
      { deliveredTo: ENDPOINTS, markDelivered: true },
    );
    await setWatermark(pool, TENANT, Math.max(...ids));
    const rows = byName(await check(), 'every committed source row');
    expect(rows).toMatchObject({ ok: false, count: 1 });
    expect(rows.detail).toContain(`${TENANT}:${lost}`);
  });

  it('report an outbox row whose source row does not exist', async () => {
    const ids = await insertContactMessages(pool, TENANT, 2);
    await insertEvents(pool, TENANT, [...ids, 999], { deliveredTo: ENDPOINTS, markDelivered: true });
    await setWatermark(pool, TENANT, Math.max(...ids));
    expect(byName(await check(), 'no outbox row without')).toMatchObject({ ok: false, count: 1 });
  });

  it('report delivered_at set while an endpoint is not delivered, and missing where all are', async () => {
    const ids = await insertContactMessages(pool, TENANT, 3);
    await insertEvents(pool, TENANT, [ids[0] ?? 0], { deliveredTo: ENDPOINTS.slice(0, 1), markDelivered: true });
    await insertEvents(pool, TENANT, [ids[1] ?? 0], { deliveredTo: ENDPOINTS, markDelivered: false });
    await insertEvents(pool, TENANT, [ids[2] ?? 0], { deliveredTo: ENDPOINTS, markDelivered: true });
    await setWatermark(pool, TENANT, Math.max(...ids));
    const marked = byName(await check(), 'delivered_at set exactly');
    expect(marked).toMatchObject({ ok: false, count: 2 });
    expect(marked.detail).toContain(
      '1 marked while an endpoint was not delivered, 1 delivered everywhere but not marked',
    );
  });

  it('report a watermark short of the highest committed id, and a job left in the queue', async () => {
    const ids = await insertContactMessages(pool, TENANT, 3);
    await insertEvents(pool, TENANT, ids, { deliveredTo: ENDPOINTS, markDelivered: true });
    await setWatermark(pool, TENANT, Math.min(...ids));
    await pool.query(`select graphile_worker.add_job('relay_deliver', '{}'::json)`);
    const invariants = await check();
    expect(byName(invariants, 'watermark')).toMatchObject({ ok: false, count: 1 });
    expect(byName(invariants, 'no job left stuck')).toMatchObject({ ok: false, count: 1 });
    expect(byName(invariants, 'no job left stuck').detail).toContain('1 waiting');
  });
});

function endpoint(index: number, acks: Record<string, number[]>, rejected: string[] = []): EndpointRecord {
  return {
    index,
    url: ENDPOINTS[index] ?? '',
    requests: 0,
    acknowledged: new Map(Object.entries(acks)),
    rejected: new Set(rejected),
    answers: {},
  };
}

describe('the receiver and process invariants', () => {
  const events = ['contact.created:shop_a:1', 'contact.created:shop_a:2'];

  it('report an event an endpoint never acknowledged, and a delivery row without a 2xx behind it', () => {
    const invariants = checkReceiverInvariants({
      eventIds: events,
      delivered: [{ eventId: events[1] ?? '', endpointUrl: ENDPOINTS[1] ?? '' }],
      endpoints: [endpoint(0, { [events[0] ?? '']: [1_000], [events[1] ?? '']: [1_000] }), endpoint(1, {})],
      disruptions: [],
      requestTimeoutMs: 2_000,
    });
    expect(byName(invariants, 'every event reached every endpoint')).toMatchObject({ ok: false, count: 2 });
    expect(byName(invariants, "a delivery row says 'delivered'")).toMatchObject({ ok: false, count: 1 });
  });

  it('count duplicates, and fail only those no crash or restart explains', () => {
    const acks = { [events[0] ?? '']: [10_000, 20_000], [events[1] ?? '']: [50_000, 51_000] };
    const invariants = checkReceiverInvariants({
      eventIds: events,
      delivered: [],
      endpoints: [endpoint(0, acks)],
      disruptions: [{ kind: 'kill-dispatcher', fromMs: 15_000, untilMs: 15_000 }],
      requestTimeoutMs: 2_000,
    });
    expect(byName(invariants, 'duplicates per endpoint')).toMatchObject({ ok: true, count: 2, informative: true });
    const unexplained = byName(invariants, 'no duplicate without');
    expect(unexplained).toMatchObject({ ok: false, count: 1 });
    expect(unexplained.detail).toContain(events[1]);
  });

  it('report a dead letter the endpoint never answered 400, an unclean SIGTERM and a live process', () => {
    const invariants = checkProcessInvariants({
      exits: [
        { role: 'dispatcher', index: 0, pid: 1, cause: 'term', code: 0, signal: null, tookMs: 300, atMs: 1 },
        { role: 'watcher', index: 1, pid: 2, cause: 'term', code: 1, signal: null, tookMs: 300, atMs: 2 },
        { role: 'watcher', index: 0, pid: 3, cause: 'unexpected', code: 1, signal: null, atMs: 3 },
      ],
      stillRunning: [{ role: 'dispatcher', index: 1, pid: 4 }],
      deadLetters: [
        { eventId: events[0] ?? '', endpointUrl: ENDPOINTS[0] ?? '', lastError: '400' },
        { eventId: events[1] ?? '', endpointUrl: ENDPOINTS[0] ?? '', lastError: '500' },
      ],
      endpoints: [endpoint(0, {}, [events[0] ?? ''])],
    });
    expect(invariants.map((i) => [i.name, i.count])).toEqual([
      ['SIGTERM ends a process cleanly (exit 0)', 1],
      ['no process died on its own', 1],
      ['no process left running', 1],
      ['dead letters only where the endpoint answered 400', 1],
    ]);
  });
  it('do not count a SIGTERM that landed before the process had started as unclean', () => {
    const exits = [
      {
        role: 'dispatcher',
        index: 0,
        pid: 1,
        cause: 'term',
        code: null,
        signal: 'SIGTERM',
        tookMs: 5,
        booted: false,
        atMs: 1,
      },
      {
        role: 'dispatcher',
        index: 1,
        pid: 2,
        cause: 'term',
        code: null,
        signal: 'SIGTERM',
        tookMs: 5,
        booted: true,
        atMs: 2,
      },
    ] as const;
    const [clean] = checkProcessInvariants({ exits: [exits[0]], stillRunning: [], deadLetters: [], endpoints: [] });
    expect(clean).toMatchObject({ ok: true, count: 0 });
    expect(clean?.detail).toContain('1 before the process had started');
    const [unclean] = checkProcessInvariants({ exits: [...exits], stillRunning: [], deadLetters: [], endpoints: [] });
    expect(unclean).toMatchObject({ ok: false, count: 1 });
  });
});
