import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, nextAttemptDelayMs, parseRetryAfterMs } from '../src/deliver/backoff.js';
import { deliveryHeaders } from '../src/deliver/headers.js';
import { classifyAttempt } from '../src/deliver/outcome.js';
import { parseSigningSecrets } from '../src/deliver/signature.js';
import { webhookId } from '../src/deliver/webhook-id.js';

const options = { baseMs: 1_000, maxMs: 60_000 };

describe('backoff', () => {
  it('grows exponentially with full jitter between the base and the capped exponential', () => {
    expect(backoffDelayMs(1, { ...options, random: () => 0.999 })).toBe(1_000);
    expect(backoffDelayMs(3, { ...options, random: () => 0 })).toBe(1_000);
    expect(backoffDelayMs(3, { ...options, random: () => 1 })).toBe(4_000);
    expect(backoffDelayMs(20, { ...options, random: () => 1 })).toBe(60_000);
    expect(backoffDelayMs(5_000, { ...options, random: () => 1 })).toBe(60_000);
  });

  it('uses Retry-After when given, within base and max', () => {
    expect(nextAttemptDelayMs(1, 30_000, options)).toBe(30_000);
    expect(nextAttemptDelayMs(1, 0, options)).toBe(1_000);
    expect(nextAttemptDelayMs(1, 3_600_000, options)).toBe(60_000);
  });

  it('the production default schedule spans about a day', () => {
    const defaults = { baseMs: 10_000, maxMs: 21_600_000 };
    let expected = 0;
    let longest = 0;
    for (let attempt = 1; attempt < 19; attempt++) {
      expected +=
        (backoffDelayMs(attempt, { ...defaults, random: () => 0 }) +
          backoffDelayMs(attempt, { ...defaults, random: () => 1 })) /
        2;
      longest += backoffDelayMs(attempt, { ...defaults, random: () => 1 });
    }
    expect(expected / 3_600_000).toBeGreaterThan(20);
    expect(expected / 3_600_000).toBeLessThan(28);
    expect(longest / 3_600_000).toBeLessThan(48);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP-date', () => {
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
    expect(parseRetryAfterMs('1.5', now)).toBeUndefined();
  });
});

describe('outcome of an attempt', () => {
  const response = (statusCode: number, headers: Record<string, string> = {}) =>
    classifyAttempt({ kind: 'response', statusCode, headers, bodySnippet: '' });
  it('2xx delivers; 408, 425, 429, 5xx, timeouts and connection errors retry; other statuses fail', () => {
    expect(response(204).kind).toBe('delivered');
    for (const status of [408, 425, 429, 500, 502, 503]) expect(response(status).kind).toBe('retry');
    for (const status of [301, 302, 400, 401, 404, 410, 422]) expect(response(status).kind).toBe('failed');
    expect(classifyAttempt({ kind: 'timeout', error: 'timed out' }).kind).toBe('retry');
    expect(classifyAttempt({ kind: 'network', error: 'connection error (ECONNREFUSED)' }).kind).toBe('retry');
    expect(classifyAttempt({ kind: 'interrupted', error: 'shutdown' }).kind).toBe('interrupted');
  });
  it('carries Retry-After of a 429 or 503', () => {
    expect(response(429, { 'retry-after': '7' })).toMatchObject({ kind: 'retry', retryAfterMs: 7_000 });
  });
});

describe('Standard Webhooks headers', () => {
  it('webhook-id is stable, derived from the event id, and has no dot', () => {
    const id = webhookId('contact.created:hoamx_com:42');
    expect(id).toBe(webhookId('contact.created:hoamx_com:42'));
    expect(id).not.toBe(webhookId('contact.created:hoamx_com:43'));
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
  });

  it('signs with every rotation secret; each verifies with standardwebhooks', () => {
    const secrets = [
      `whsec_${Buffer.from('first-secret').toString('base64')}`,
      `whsec_${Buffer.from('second').toString('base64')}`,
    ];
    const body = '{"event_id":"contact.created:hoamx_com:1"}';
    const headers = deliveryHeaders(
      { authHeader: 'authorization', authValue: 'Bearer t', signingKeys: parseSigningSecrets(secrets.join(' ')) },
      'contact.created:hoamx_com:1',
      body,
    );
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of secrets) expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    expect(headers.authorization).toBe('Bearer t');
  });

  it('a raw (non-whsec) secret is used as its UTF-8 bytes', () => {
    const body = '{}';
    const headers = deliveryHeaders(
      { authHeader: 'authorization', authValue: undefined, signingKeys: parseSigningSecrets('plain-secret') },
      'e',
      body,
    );
    expect(() => new Webhook('plain-secret', { format: 'raw' }).verify(body, headers)).not.toThrow();
    expect(headers.authorization).toBeUndefined();
  });

  it('no signing secret, no signature header', () => {
    const headers = deliveryHeaders({ authHeader: 'authorization', authValue: undefined, signingKeys: [] }, 'e', '{}');
    expect(headers['webhook-signature']).toBeUndefined();
    expect(headers['webhook-id']).toBeDefined();
  });
});
