import { redactUrl } from '@relay/common';
import { countDeliveriesByEndpoint } from '@relay/db/queries/count-deliveries-by-endpoint';
import { listDispatcherHeartbeats } from '@relay/db/queries/list-dispatcher-heartbeats';
import { readNewestSourceIds } from '@relay/db/queries/read-newest-source-ids';
import { readOldestWritingTransaction } from '@relay/db/queries/read-oldest-writing-transaction';
import { readOutboxBacklog } from '@relay/db/queries/read-outbox-backlog';
import { readTenantWatermarks } from '@relay/db/queries/read-tenant-watermarks';
import type { Command } from '../command.js';

/** Below this, a pending horizon is just the normal safety lag, not a hold-back. */
const HELD_BACK_AFTER_MS = 5_000;

const ageMs = (since: Date | null, now: number) => (since ? Math.max(0, now - since.getTime()) : null);
const seconds = (ms: number | null) => (ms === null ? null : `${(ms / 1000).toFixed(1)}s`);

export const status: Command = {
  name: 'status',
  summary: 'watermark, lag, backlog and failures per tenant; deliveries per endpoint; dispatchers',
  help: `Usage: npm run -s relay -- status [--json]

Per tenant: the watermark (last_seen_id), the newest source id and the lag between them,
whether an open transaction holds the watermark back (and how old it is), undelivered
events and the oldest one's age. Then deliveries by status per endpoint, and every
dispatcher instance with its last heartbeat.`,
  options: {},
  async run({ pool, out }) {
    const [watermarks, backlog, deliveries, dispatchers, holder] = await Promise.all([
      readTenantWatermarks(pool),
      readOutboxBacklog(pool),
      countDeliveriesByEndpoint(pool),
      listDispatcherHeartbeats(pool),
      readOldestWritingTransaction(pool),
    ]);
    const newest = await readNewestSourceIds(
      pool,
      watermarks.map((w) => w.tenant),
    );
    const now = Date.now();
    const tenants = watermarks.map((w) => {
      const pendingAge = ageMs(w.pendingSince, now);
      const heldBack = w.horizonPassed === false && pendingAge !== null && pendingAge > HELD_BACK_AFTER_MS;
      const newestId = newest.get(w.tenant) ?? null;
      const queue = backlog.find((b) => b.tenant === w.tenant);
      return {
        tenant: w.tenant,
        last_seen_id: w.lastSeenId,
        newest_source_id: newestId,
        lag: newestId === null ? null : Math.max(0, newestId - w.lastSeenId),
        held_back: heldBack
          ? { since_ms: pendingAge, oldest_xact_age_ms: holder?.ageMs ?? null, oldest_xact_pid: holder?.pid ?? null }
          : null,
        undelivered: queue?.undelivered ?? 0,
        oldest_undelivered_age_ms: ageMs(queue?.oldestUndeliveredAt ?? null, now),
        last_poll_at: w.lastPollAt,
      };
    });
    const endpoints = deliveries.map((d) => ({
      endpoint: redactUrl(d.endpointUrl),
      pending: d.pending,
      delivered: d.delivered,
      failed: d.failed,
    }));
    const instances = dispatchers.map((d) => ({
      worker_id: d.workerId,
      host: `${d.hostname}:${d.pid}`,
      last_heartbeat_at: d.lastHeartbeatAt,
      silent_for_s: Number(d.silentForS.toFixed(1)),
    }));

    out.result({ tenants, endpoints, dispatchers: instances }, () => {
      out.line('Tenants');
      out.table(
        tenants.map((t) => ({
          tenant: t.tenant,
          watermark: t.last_seen_id,
          newest: t.newest_source_id,
          lag: t.lag,
          'held back': t.held_back
            ? `yes, ${seconds(t.held_back.since_ms)} (oldest xact ${seconds(t.held_back.oldest_xact_age_ms)}, pid ${t.held_back.oldest_xact_pid})`
            : 'no',
          undelivered: t.undelivered,
          'oldest undelivered': seconds(t.oldest_undelivered_age_ms),
        })),
      );
      out.line();
      out.line('Deliveries by endpoint');
      out.table(endpoints);
      out.line();
      out.line('Dispatchers');
      out.table(instances);
    });
    return 0;
  },
};
