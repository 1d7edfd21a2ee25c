/**
 * The watcher's Fastify app (stage 1). `buildApp` takes everything it uses, so tests build
 * it in-process on a test database; `main.ts` builds it for production. The pool belongs
 * to the caller, which closes it after `app.close()`.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@relay/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type pg from 'pg';
import type { WatcherConfig } from './config.js';
import { handleError } from './errors.js';
import { createWatcherMetrics } from './metrics.js';
import type { PollResult } from './poll/result.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerPollRoute } from './routes/poll.js';

export type { WatcherConfig } from './config.js';
export { loadConfig } from './config.js';
export type { HeldBack, PollResult } from './poll/result.js';

/** Bodies are tiny (`{"tenant": "…"}`); anything bigger is refused with 413. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** A caller-supplied request id is kept when it is short and plain, else replaced. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:/-]{1,128}$/;

export interface AppDeps {
  config: Pick<WatcherConfig, 'agentKeys' | 'tenants' | 'batchSize' | 'dataFields' | 'watermarkSafetyLagMs'>;
  pool: pg.Pool;
  logger: Logger;
  /** Aborted by `main` when the shutdown grace period runs out: in-flight polls roll back. */
  shutdownSignal?: AbortSignal;
  /** Called with every successful poll's result (after the app's own metrics saw it). */
  onPollFinished?: (result: PollResult) => void;
}

export function buildApp(deps: AppDeps): FastifyInstance {
  // Typed as Fastify's base logger so the instance keeps Fastify's default generics.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: BODY_LIMIT_BYTES,
    // Every poll logs its own outcome with the request id; per-request access lines (and
    // probes every few seconds) would only bury it. Cloud Run keeps its own request log.
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
  });

  // The body is optional: an empty body sent as application/json (as some schedulers do)
  // means "the default tenant"; anything else goes through Fastify's safe JSON parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });

  // Once close() has begun, answers carry `connection: close`: otherwise a keep-alive
  // connection that carried an in-flight poll would hold the shutdown open for Fastify's
  // 72 s keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send({ error: 'not found' });
  });

  registerHealthRoutes(app, deps.pool);
  // Before the poll route, so its hook sees every /poll answer.
  const metrics = createWatcherMetrics({ pool: deps.pool, tenants: deps.config.tenants });
  metrics.register(app);
  registerPollRoute(app, {
    agentKeys: deps.config.agentKeys,
    tenants: deps.config.tenants,
    onPollFinished: (result) => {
      metrics.pollFinished(result);
      deps.onPollFinished?.(result);
    },
    poll: {
      pool: deps.pool,
      logger: deps.logger,
      shutdownSignal: deps.shutdownSignal,
      settings: {
        batchSize: deps.config.batchSize,
        dataFields: deps.config.dataFields,
        watermarkSafetyLagMs: deps.config.watermarkSafetyLagMs,
      },
    },
  });
  return app;
}
