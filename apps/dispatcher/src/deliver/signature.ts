import { createHmac } from 'node:crypto';
import { ConfigError } from '@relay/common';

/** One signing key: the bytes HMAC-SHA256 is keyed with. */
export interface SigningKey {
  bytes: Buffer;
}

const WHSEC = 'whsec_';

/**
 * Parses `DOWNSTREAM_SIGNING_SECRET`: one or more secrets separated by spaces or commas
 * (several during a rotation: every request is signed with each). A `whsec_…` secret is
 * base64 per the Standard Webhooks spec; any other value is used as raw UTF-8 bytes.
 */
export function parseSigningSecrets(value: string | undefined): SigningKey[] {
  if (value === undefined) return [];
  return value
    .split(/[\s,]+/)
    .filter((item) => item !== '')
    .map((secret) => {
      if (!secret.startsWith(WHSEC)) return { bytes: Buffer.from(secret, 'utf8') };
      const encoded = secret.slice(WHSEC.length);
      const bytes = Buffer.from(encoded, 'base64');
      if (bytes.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
        throw new ConfigError(
          'invalid configuration: DOWNSTREAM_SIGNING_SECRET: a whsec_ secret must be base64 after the prefix',
        );
      }
      return { bytes };
    });
}

/**
 * The Standard Webhooks `webhook-signature` header: `v1,<base64 HMAC-SHA256 of
 * "{id}.{timestamp}.{body}">` per key, space-separated.
 */
export function signatureHeader(keys: readonly SigningKey[], id: string, timestamp: number, body: string): string {
  const content = `${id}.${timestamp}.${body}`;
  return keys.map((key) => `v1,${createHmac('sha256', key.bytes).update(content).digest('base64')}`).join(' ');
}
