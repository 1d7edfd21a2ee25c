import { createHash } from 'node:crypto';

/**
 * The Standard Webhooks `webhook-id` of an event: stable across retries (receivers
 * de-duplicate on it) and free of the `.` the spec forbids, which `contact.created:…`
 * contains. `msg_` + base64url(sha256(event id)), 32 characters of it (192 bits).
 */
export function webhookId(eventId: string): string {
  return `msg_${createHash('sha256').update(eventId).digest('base64url').slice(0, 32)}`;
}
