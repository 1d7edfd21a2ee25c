import { redactUrl } from '@relay/common';
import { withTransaction } from '@relay/db';
import { addFanOutJobs } from '@relay/db/queries/add-fan-out-jobs';
import { findOrphanedWork } from '@relay/db/queries/find-orphaned-work';
import { findUnemittedSourceIds } from '@relay/db/queries/find-unemitted-source-ids';
import { insertOperatorLog } from '@relay/db/queries/insert-operator-log';
import { readTenantWatermarks } from '@relay/db/queries/read-tenant-watermarks';
import { requeueDeliveries } from '@relay/db/queries/requeue-deliveries';
import { deliveryMaxAttempts, stringOption } from '../args.js';
import { type Command, UsageError } from '../command.js';

/** How many missing ids to list per tenant; the count is always exact. */
const LIST_LIMIT = 100;

export const reconcile: Command = {
  name: 'reconcile',
  summary: 'find source rows never emitted and pending work with no job (--fix re-enqueues)',
  help: `Usage: npm run -s relay -- reconcile [--tenant NAME] [--fix] [--json]

Checks, per tenant (all tenants the watcher has polled, or --tenant):
  - source ids above what retention removed and at or below the watermark that have no
    outbox row. There must be none: event ids are deterministic, so this is exact.
  - pending deliveries with no graphile-worker job, and undelivered events with neither
    deliveries nor a fan-out job: work nothing would ever do.

  --tenant NAME   only this tenant
  --fix           re-enqueue the orphaned deliveries and events (under their job_key)

Exits 1 when it finds a problem it did not fix, so it can run from a scheduler.`,
  options: { tenant: { type: 'string' }, fix: { type: 'boolean' } },
  async run({ pool, out, argv, env }, values) {
    const only = stringOption(values.tenant);
    const watermarks = (await readTenantWatermarks(pool)).filter((w) => !only || w.tenant === only);
    if (only && watermarks.length === 0) throw new UsageError(`tenant "${only}" has never been polled`);
    const fix = values.fix === true;

    const tenants: { tenant: string; checked_through: number; unemitted_count: number; unemitted_ids: number[] }[] = [];
    for (const w of watermarks) {
      const unemitted = await findUnemittedSourceIds(pool, {
        tenant: w.tenant,
        afterId: w.prunedThroughId,
        throughId: w.lastSeenId,
        limit: LIST_LIMIT,
      });
      tenants.push({
        tenant: w.tenant,
        checked_through: w.lastSeenId,
        unemitted_count: unemitted.count,
        unemitted_ids: unemitted.ids,
      });
    }
    const orphans = await findOrphanedWork(pool, only);
    const orphanCount = orphans.deliveries.length + orphans.events.length;
    if (fix && orphanCount > 0) {
      const maxAttempts = deliveryMaxAttempts(env);
      await withTransaction(pool, async (tx) => {
        await requeueDeliveries(tx, orphans.deliveries, maxAttempts);
        await addFanOutJobs(tx, orphans.events);
        await insertOperatorLog(tx, {
          command: 'reconcile',
          tenant: only,
          detail: { argv, reenqueued_deliveries: orphans.deliveries.length, reenqueued_events: orphans.events.length },
        });
      });
    }
    const unemittedTotal = tenants.reduce((sum, t) => sum + t.unemitted_count, 0);
    const report = {
      tenants,
      orphaned_deliveries: orphans.deliveries.map((d) => ({ event_id: d.eventId, endpoint: redactUrl(d.endpointUrl) })),
      orphaned_events: orphans.events,
      fixed: fix ? orphanCount : 0,
    };
    out.result(report, () => {
      for (const t of tenants) {
        out.line(
          t.unemitted_count === 0
            ? `${t.tenant}: every source id through ${t.checked_through} has its event`
            : `${t.tenant}: ${t.unemitted_count} source ids at or below the watermark have no event: ${t.unemitted_ids.join(', ')}${t.unemitted_count > t.unemitted_ids.length ? ', …' : ''}`,
        );
      }
      if (orphanCount === 0) out.line('no orphaned deliveries or events');
      else {
        out.line(
          `${orphans.deliveries.length} pending deliveries and ${orphans.events.length} events have no job${fix ? ': re-enqueued' : ' (run with --fix to re-enqueue)'}`,
        );
        if (report.orphaned_deliveries.length > 0) out.table(report.orphaned_deliveries);
        for (const eventId of orphans.events) out.line(`  event ${eventId}`);
      }
    });
    return unemittedTotal > 0 || (orphanCount > 0 && !fix) ? 1 : 0;
  },
};
