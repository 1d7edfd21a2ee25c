import { redactUrl } from '@relay/common';
import { withTransaction } from '@relay/db';
import { insertOperatorLog } from '@relay/db/queries/insert-operator-log';
import { requeueDeliveries } from '@relay/db/queries/requeue-deliveries';
import { selectDeliveries } from '@relay/db/queries/select-deliveries';
import { deliveryMaxAttempts, stringOption } from '../args.js';
import { type Command, UsageError } from '../command.js';

export const replay: Command = {
  name: 'replay',
  summary: 'send an event again to one or all endpoints, even if delivered',
  help: `Usage: npm run -s relay -- replay --event-id ID [--endpoint URL] [--dry-run] [--json]

For a receiver that lost an event: puts the event's deliveries (all endpoints, or only
--endpoint) back to pending, whatever their state, and enqueues them again. The receiver
gets the same body and the same idempotency-key / webhook-id as before.

  --event-id ID     the event (contact.created:{tenant}:{id}); required
  --endpoint URL    only this endpoint (exactly as in DOWNSTREAM_URLS)
  --dry-run         show what would be replayed, change nothing`,
  options: { 'event-id': { type: 'string' }, endpoint: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run({ pool, out, argv, env }, values) {
    const eventId = stringOption(values['event-id']);
    if (!eventId) throw new UsageError('--event-id is required');
    const endpointUrl = stringOption(values.endpoint);
    const dryRun = values['dry-run'] === true;
    const selected = await selectDeliveries(pool, {
      statuses: ['pending', 'delivered', 'failed'],
      eventId,
      endpointUrl,
    });
    if (selected.length === 0) {
      process.stderr.write(
        `relay: no delivery of ${eventId}${endpointUrl ? ` to ${redactUrl(endpointUrl)}` : ''} (unknown event, or not fanned out yet)\n`,
      );
      return 1;
    }
    if (!dryRun) {
      const maxAttempts = deliveryMaxAttempts(env);
      await withTransaction(pool, async (tx) => {
        await requeueDeliveries(tx, selected, maxAttempts);
        await insertOperatorLog(tx, {
          command: 'replay',
          tenant: selected[0]?.tenant,
          detail: { argv, event_id: eventId, endpoints: selected.length, previous: selected.map((d) => d.status) },
        });
      });
    }
    const rows = selected.map((d) => ({ event_id: d.eventId, endpoint: redactUrl(d.endpointUrl), was: d.status }));
    out.result({ dry_run: dryRun, replayed: dryRun ? 0 : rows.length, deliveries: rows }, () => {
      out.table(rows);
      out.line(dryRun ? `would replay ${rows.length} deliveries` : `replaying ${rows.length} deliveries`);
    });
    return 0;
  },
};
