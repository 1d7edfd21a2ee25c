import type { Logger } from '@relay/common';
import { DELIVER_TASK } from '@relay/db';
import { insertDeliveriesWithJobs } from '@relay/db/queries/insert-deliveries-with-jobs';
import type { Task } from 'graphile-worker';
import { z } from 'zod';

const fanOutPayload = z.object({ event_id: z.string().min(1) });

export interface FanOutDeps {
  endpoints: readonly string[];
  maxAttempts: number;
  logger: Logger;
}

/**
 * `relay_fan_out`: one job per event (enqueued by the watcher). In one statement (atomic,
 * one round trip) it creates the event's delivery rows for every configured endpoint and
 * one delivery job per row it created, with a single `add_jobs` call, so each endpoint
 * gets its own attempts, backoff and failure record and a slow endpoint never delays another.
 */
export function createFanOutTask(deps: FanOutDeps): Task {
  const log = deps.logger.child({ module: 'fan-out' });
  return async (payload, helpers) => {
    const { event_id: eventId } = fanOutPayload.parse(payload);
    const enqueued = await helpers
      .withPgClient((client) =>
        insertDeliveriesWithJobs(client, {
          taskIdentifier: DELIVER_TASK,
          eventId,
          endpointUrls: deps.endpoints,
          maxAttempts: deps.maxAttempts,
        }),
      )
      .catch((err: unknown) => {
        if ((err as { code?: string }).code === '23503') {
          throw new Error(`event ${eventId} is not in relay.event_outbox`);
        }
        throw err;
      });
    log.debug({ event_id: eventId, jobs: enqueued }, 'fanned out');
  };
}
