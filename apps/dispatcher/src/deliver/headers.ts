import { type SigningKey, signatureHeader } from './signature.js';
import { webhookId } from './webhook-id.js';

export interface HeaderOptions {
  authHeader: string;
  authValue: string | undefined;
  signingKeys: readonly SigningKey[];
}

/**
 * The headers of one delivery attempt: JSON, the auth header, the idempotency key and
 * the Standard Webhooks trio (`webhook-signature` only when a signing secret is set).
 * The timestamp is the attempt's, as the spec wants, so receivers can reject replays.
 */
export function deliveryHeaders(
  options: HeaderOptions,
  eventId: string,
  body: string,
  nowMs = Date.now(),
): Record<string, string> {
  const id = webhookId(eventId);
  const timestamp = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': eventId,
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
  };
  if (options.authValue !== undefined) headers[options.authHeader] = options.authValue;
  if (options.signingKeys.length > 0) {
    headers['webhook-signature'] = signatureHeader(options.signingKeys, id, timestamp, body);
  }
  return headers;
}
