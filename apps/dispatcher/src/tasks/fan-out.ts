import type { Logger } from '@relay/common';
import { DELIVER_TASK, inTransaction } from '@relay/db';
import { addDeliveryJobs } from '@relay/db/queries/add-delivery-jobs';
import { insertEventDeliveries } from '@relay/db/queries/insert-event-deliveries';
import type { Task } from 'graphile-worker';
import { z } from 'zod';

const fanOutPayload = z.object({ event_id: z.string().min(1) });

export interface FanOutDeps {
  endpoints: readonly string[];
  maxAttempts: number;
  logger: Logger;
}

/**
 * `relay_fan_out`: one job per event (enqueued by the watcher). In one transaction it
 * creates the event's delivery rows for every configured endpoint and one delivery job
 * per row it created, with a single `add_jobs` call, so each endpoint gets its
 * own attempts, backoff and failure record and a slow endpoint never delays another.
 */
export function createFanOutTask(deps: FanOutDeps): Task {
  const log = deps.logger.child({ module: 'fan-out' });
  return async (payload, helpers) => {
    const { event_id: eventId } = fanOutPayload.parse(payload);
    const enqueued = await helpers.withPgClient((client) =>
      inTransaction(client, async (tx) => {
        const endpointUrls = await insertEventDeliveries(tx, eventId, deps.endpoints).catch((err: unknown) => {
          if ((err as { code?: string }).code === '23503') {
            throw new Error(`event ${eventId} is not in relay.event_outbox`);
          }
          throw err;
        });
        return addDeliveryJobs(tx, {
          taskIdentifier: DELIVER_TASK,
          eventId,
          endpointUrls,
          maxAttempts: deps.maxAttempts,
        });
      }),
    );
    log.debug({ event_id: eventId, jobs: enqueued }, 'fanned out');
  };
}
