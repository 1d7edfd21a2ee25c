import { type Receiver, startReceiver } from '@relay/devkit';
import { afterEach, expect, it } from 'vitest';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'x-test': 'yes' }, signal });

it('records method, path, headers and body, and answers 200 by default', async () => {
  receiver = await startReceiver();
  const res = await post(`${receiver.url}/events`, { hello: 'world' });
  expect(res.status).toBe(200);
  expect(receiver.requests).toHaveLength(1);
  expect(receiver.requests[0]).toMatchObject({ method: 'POST', path: '/events', body: '{"hello":"world"}' });
  expect(receiver.requests[0]?.headers['x-test']).toBe('yes');
  expect(receiver.bodies()).toEqual([{ hello: 'world' }]);
});

it('answers as told: status with Retry-After, then a different answer per request', async () => {
  receiver = await startReceiver({ status: 429, retryAfter: '3' });
  const first = await post(receiver.url, {});
  expect(first.status).toBe(429);
  expect(first.headers.get('retry-after')).toBe('3');
  receiver.respondWith((_req, index) => ({ status: index % 2 === 0 ? 500 : 201 }));
  expect((await post(receiver.url, {})).status).toBe(201);
  expect((await post(receiver.url, {})).status).toBe(500);
});

it('can stream a huge body, delay, hang and reset', async () => {
  receiver = await startReceiver({ bodyBytes: 5 * 1024 * 1024 });
  const big = await post(receiver.url, {});
  expect((await big.arrayBuffer()).byteLength).toBe(5 * 1024 * 1024);

  receiver.respondWith({ delayMs: 200 });
  const started = Date.now();
  await post(receiver.url, {});
  expect(Date.now() - started).toBeGreaterThanOrEqual(190);

  receiver.respondWith({ hang: true });
  await expect(post(receiver.url, {}, AbortSignal.timeout(300))).rejects.toThrow();

  receiver.respondWith({ reset: true });
  await expect(post(receiver.url, {})).rejects.toThrow();
  await receiver.waitForRequests(4);
});
