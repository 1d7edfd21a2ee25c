import { redactUrl } from '@relay/common';
import { withTransaction } from '@relay/db';
import { insertOperatorLog } from '@relay/db/queries/insert-operator-log';
import { requeueDeliveries } from '@relay/db/queries/requeue-deliveries';
import { selectDeliveries } from '@relay/db/queries/select-deliveries';
import { deliveryMaxAttempts, parseSince, stringOption } from '../args.js';
import { type Command, UsageError } from '../command.js';

export const requeue: Command = {
  name: 'requeue',
  summary: 'send failed deliveries again (dead letters), selected by filters',
  help: `Usage: npm run -s relay -- requeue --failed [filters] [--dry-run] [--json]

Puts failed deliveries back to pending and revives their graphile-worker jobs with a
fresh attempt budget (DELIVERY_MAX_ATTEMPTS, default 19). A job is added under the
delivery's job_key, so a delivery never gets a second pending job. Prints the count.

Selection (at least one; all given must match):
  --failed              every failed delivery
  --event-id ID         deliveries of this event
  --endpoint URL        deliveries to this endpoint (exactly as in DOWNSTREAM_URLS)
  --tenant NAME         deliveries of this tenant's events
  --since TIME|AGE      failed at or after this time (ISO-8601) or within this age (30m, 2h, 7d)
  --dry-run             list what would be requeued, change nothing

The same can be done with graphile-worker's own tools: see the README, "Operations".`,
  options: {
    failed: { type: 'boolean' },
    'event-id': { type: 'string' },
    endpoint: { type: 'string' },
    tenant: { type: 'string' },
    since: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  async run({ pool, out, argv, env }, values) {
    const filter = {
      statuses: ['failed'] as const,
      eventId: stringOption(values['event-id']),
      endpointUrl: stringOption(values.endpoint),
      tenant: stringOption(values.tenant),
      since: parseSince(stringOption(values.since)),
    };
    if (!values.failed && !filter.eventId && !filter.endpointUrl && !filter.tenant && !filter.since) {
      throw new UsageError('say which deliveries to requeue: --failed, --event-id, --endpoint, --tenant or --since');
    }
    const dryRun = values['dry-run'] === true;
    const maxAttempts = deliveryMaxAttempts(env);

    const selected = await selectDeliveries(pool, filter);
    if (!dryRun && selected.length > 0) {
      await withTransaction(pool, async (tx) => {
        await requeueDeliveries(tx, selected, maxAttempts);
        await insertOperatorLog(tx, {
          command: 'requeue',
          tenant: filter.tenant,
          detail: { argv, requeued: selected.length, max_attempts: maxAttempts },
        });
      });
    }
    const rows = selected.map((d) => ({
      event_id: d.eventId,
      endpoint: redactUrl(d.endpointUrl),
      attempts: d.attempts,
      last_status_code: d.lastStatusCode,
      last_error: d.lastError,
    }));
    out.result(
      { dry_run: dryRun, requeued: dryRun ? 0 : selected.length, matched: selected.length, deliveries: rows },
      () => {
        if (rows.length > 0) out.table(rows);
        out.line(
          dryRun ? `would requeue ${rows.length} failed deliveries` : `requeued ${rows.length} failed deliveries`,
        );
      },
    );
    return 0;
  },
};
