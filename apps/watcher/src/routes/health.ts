/**
 * Cloud Run probes. `/healthz`: the process answers (liveness; never touches the
 * database, so a database outage does not get healthy instances restarted). `/readyz`:
 * the database answers `select 1` (readiness), else 503.
 */
import { toError } from '@relay/common';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';

export function registerHealthRoutes(app: FastifyInstance, pool: pg.Pool): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await pool.query('select 1');
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err: toError(err) }, 'not ready: database unavailable');
      return reply.code(503).send({ error: 'database unavailable' });
    }
  });
}
