/**
 * The graphile-worker task identifiers and payloads the two stages agree on. The watcher
 * enqueues one fan-out job per event; the dispatcher's fan-out task creates one delivery
 * job per (event, endpoint). Payloads are validated again by the task that runs them.
 */

/** Enqueued by the watcher, in the poll transaction, one per new event (`job_key` = event id). */
export const FAN_OUT_TASK = 'relay_fan_out';
export interface FanOutPayload {
  event_id: string;
}

/**
 * Attempts per delivery unless DELIVERY_MAX_ATTEMPTS says otherwise: the dispatcher's
 * budget, and the one `relay requeue`/`replay` give a revived delivery (the schedule's
 * arithmetic is in apps/dispatcher/src/config.ts).
 */
export const DEFAULT_DELIVERY_MAX_ATTEMPTS = 19;

/** Enqueued by the fan-out task, one per (event, endpoint). */
export const DELIVER_TASK = 'relay_deliver';
export interface DeliverPayload {
  event_id: string;
  endpoint_url: string;
}

/** The one event type the relay emits today. */
export const CONTACT_CREATED = 'contact.created';

/** `contact.created:{tenant}:{id}`: deterministic, so a re-poll can never invent a new event. */
export function contactCreatedEventId(tenant: string, contactMessageId: number | string): string {
  return `${CONTACT_CREATED}:${tenant}:${contactMessageId}`;
}
