import { performance } from 'node:perf_hooks';
import type { Logger } from '@relay/common';
import { redactUrl } from '@relay/common';
import { getDelivery } from '@relay/db/queries/get-delivery';
import { markDeliveryDelivered } from '@relay/db/queries/mark-delivery-delivered';
import { recordFailedAttempt } from '@relay/db/queries/record-failed-attempt';
import { returnJobUnattempted } from '@relay/db/queries/return-job-unattempted';
import type { JobHelpers, Task } from 'graphile-worker';
import type { Agent } from 'undici';
import { z } from 'zod';
import { type BackoffOptions, nextAttemptDelayMs } from '../deliver/backoff.js';
import { deliveryHeaders, type HeaderOptions } from '../deliver/headers.js';
import { classifyAttempt } from '../deliver/outcome.js';
import { send } from '../deliver/request.js';

const deliverPayload = z.object({ event_id: z.string().min(1), endpoint_url: z.string().min(1) });

export interface DeliverDeps extends HeaderOptions {
  endpoints: readonly string[];
  timeoutMs: number;
  backoff: BackoffOptions;
  agent: Agent;
  logger: Logger;
  /** Told what each attempt came to, once it is recorded (metrics). */
  observer?: DeliveryObserver;
}

/** One recorded delivery attempt (an attempt interrupted by shutdown is not one). */
export interface DeliveryAttempt {
  endpointUrl: string;
  outcome: 'delivered' | 'retry' | 'failed';
  /** How long the HTTP request took; null when none was sent. */
  requestSeconds: number | null;
  /** The event payload as sent (JSON text); null when none was sent. */
  payload: string | null;
}

export type DeliveryObserver = (attempt: DeliveryAttempt) => void;

/**
 * `relay_deliver`: one attempt of one (event, endpoint) delivery. No transaction is open
 * during the HTTP call: the row is read, the request sent, then the outcome written with
 * guarded UPDATEs, one statement each. Retries are scheduled by the task itself, and a final
 * failure leaves the job in graphile-worker's table as permanently failed (see
 * `recordFailedAttempt`).
 */
export function createDeliverTask(deps: DeliverDeps): Task {
  const baseLog = deps.logger.child({ module: 'deliver' });
  // Called after the outcome is written: a throwing observer must not fail (and so
  // repeat) a delivery that already happened.
  const observe = (attempt: DeliveryAttempt) => {
    try {
      deps.observer?.(attempt);
    } catch (err) {
      baseLog.warn({ err }, 'delivery observer failed');
    }
  };
  return async (payload, helpers) => {
    const { event_id: eventId, endpoint_url: endpointUrl } = deliverPayload.parse(payload);
    const { job } = helpers;
    const self = { id: job.id, lockedBy: job.locked_by ?? '' };
    const log = baseLog.child({
      event_id: eventId,
      endpoint: redactUrl(endpointUrl),
      job_id: job.id,
      attempt: job.attempts,
    });

    if (!deps.endpoints.includes(endpointUrl)) {
      return failForGood(helpers, self, eventId, endpointUrl, null, 'endpoint is no longer in DOWNSTREAM_URLS');
    }

    const delivery = await helpers.withPgClient((client) => getDelivery(client, eventId, endpointUrl));
    if (delivery === undefined) throw new Error(`no delivery row for event ${eventId}`);
    // A job re-added while an earlier one was running can run after it succeeded.
    if (delivery.status === 'delivered') {
      log.debug('already delivered; nothing to send');
      return;
    }

    const body = delivery.payload;
    const sentAt = performance.now();
    const result = await send(deps.agent, {
      url: endpointUrl,
      headers: deliveryHeaders(deps, eventId, body),
      body,
      timeoutMs: deps.timeoutMs,
      abortSignal: helpers.abortSignal,
    });
    const outcome = classifyAttempt(result);
    const attempt = { endpointUrl, requestSeconds: (performance.now() - sentAt) / 1000, payload: body };

    switch (outcome.kind) {
      case 'delivered': {
        const marked = await helpers.withPgClient((client) =>
          markDeliveryDelivered(client, eventId, endpointUrl, outcome.statusCode),
        );
        log.info({ status: outcome.statusCode, event_delivered: marked.eventDelivered }, 'delivered');
        observe({ ...attempt, outcome: 'delivered' });
        return;
      }
      case 'interrupted': {
        await helpers.withPgClient((client) => returnJobUnattempted(client, self));
        log.warn('delivery interrupted by shutdown; job handed back');
        return;
      }
      case 'retry': {
        if (job.attempts < job.max_attempts) {
          const delayMs = nextAttemptDelayMs(job.attempts, outcome.retryAfterMs, deps.backoff);
          await helpers.withPgClient((client) =>
            recordFailedAttempt(
              client,
              self,
              { eventId, endpointUrl },
              { statusCode: outcome.statusCode, error: outcome.error, retryAt: new Date(Date.now() + delayMs) },
            ),
          );
          log.warn(
            { status: outcome.statusCode, error: outcome.error, retry_in_ms: delayMs },
            'attempt failed; will retry',
          );
          observe({ ...attempt, outcome: 'retry' });
          return;
        }
        return failForGood(
          helpers,
          self,
          eventId,
          endpointUrl,
          outcome.statusCode,
          `${outcome.error} (attempts exhausted: ${job.attempts} of ${job.max_attempts})`,
          attempt,
        );
      }
      case 'failed':
        return failForGood(helpers, self, eventId, endpointUrl, outcome.statusCode, outcome.error, attempt);
    }
  };

  async function failForGood(
    helpers: JobHelpers,
    self: { id: string; lockedBy: string },
    eventId: string,
    endpointUrl: string,
    statusCode: number | null,
    error: string,
    attempt: Omit<DeliveryAttempt, 'outcome'> = { endpointUrl, requestSeconds: null, payload: null },
  ): Promise<void> {
    await helpers.withPgClient((client) =>
      recordFailedAttempt(client, self, { eventId, endpointUrl }, { statusCode, error }),
    );
    baseLog.error(
      { event_id: eventId, endpoint: redactUrl(endpointUrl), job_id: self.id, status: statusCode, error },
      'delivery failed for good',
    );
    observe({ ...attempt, outcome: 'failed' });
  }
}
