import Fastify, { type FastifyInstance } from 'fastify';
import type { Readiness } from './health.js';

export interface AppDeps {
  readiness: () => Promise<Readiness>;
  /** Hook point for routes added later (e.g. `/metrics`). */
  registerRoutes?: (app: FastifyInstance) => void | Promise<void>;
}

/** The dispatcher's small HTTP server: Cloud Run needs a port, operators need health. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = await deps.readiness();
    if (readiness.ready) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', error: readiness.reason ?? 'not ready' });
  });
  await deps.registerRoutes?.(app);
  return app;
}
