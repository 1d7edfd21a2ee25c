/**
 * Coded errors and the one place that turns any failure into an HTTP answer: JSON
 * `{ "error": "…" }`, the message for client errors, a generic one for server errors,
 * never a stack trace.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from './database-errors.js';

export type WatcherErrorCode =
  | 'missing_agent_key'
  | 'invalid_agent_key'
  | 'invalid_body'
  | 'invalid_tenant'
  | 'unknown_tenant'
  | 'database_unavailable'
  | 'shutting_down';

const STATUS: Record<WatcherErrorCode, number> = {
  missing_agent_key: 401,
  invalid_agent_key: 401,
  invalid_body: 400,
  invalid_tenant: 400,
  unknown_tenant: 404,
  database_unavailable: 503,
  shutting_down: 503,
};

export class WatcherError extends Error {
  override readonly name = 'WatcherError';
  readonly statusCode: number;
  constructor(
    readonly code: WatcherErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.statusCode = STATUS[code];
  }
}

/** Fastify's error handler for the whole app. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof WatcherError) {
    if (error.statusCode >= 500) request.log.warn({ err: error.cause ?? error, code: error.code }, error.message);
    reply.code(error.statusCode).send({ error: error.message });
    return;
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    reply.code(503).send({ error: 'database unavailable' });
    return;
  }
  // Fastify's own client errors: 400 malformed JSON, 413 body too large, 415 media type.
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    reply.code(status).send({ error: error.message });
    return;
  }
  request.log.error({ err: error }, 'request failed');
  reply.code(500).send({ error: 'internal error' });
}
