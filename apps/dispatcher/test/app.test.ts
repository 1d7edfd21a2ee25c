import { expect, it } from 'vitest';
import { buildApp } from '../src/app.js';

it('/healthz answers 200 and /readyz follows readiness (503 with a reason when not ready)', async () => {
  let ready = false;
  const app = await buildApp({
    readiness: async () => (ready ? { ready: true } : { ready: false, reason: 'database unreachable' }),
    registerRoutes: (instance) => {
      instance.get('/metrics', async () => 'metrics here');
    },
  });
  expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  const notReady = await app.inject({ url: '/readyz' });
  expect(notReady.statusCode).toBe(503);
  expect(notReady.json()).toMatchObject({ error: 'database unreachable' });
  ready = true;
  expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  expect((await app.inject({ url: '/metrics' })).body).toBe('metrics here');
  await app.close();
});
