/**
 * `POST /poll`: authenticate, validate the body (`{"tenant": "…"}`, optional), run one
 * poll. 401 bad key, 400 bad body or tenant syntax, 404 tenant not allowed, 503 database
 * unavailable; all as JSON `{ "error": … }` through the app's error handler.
 */
import { assertTenantName } from '@relay/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { agentKeyCheck } from '../auth.js';
import { WatcherError } from '../errors.js';
import { type PollResult, pollResponseBody } from '../poll/result.js';
import { type PollDeps, runPoll } from '../poll/run-poll.js';

const pollBody = z.strictObject({ tenant: z.string().optional() }).nullish();

export interface PollRouteOptions {
  agentKeys: readonly string[];
  tenants: readonly string[];
  poll: PollDeps;
  /** Called after every successful poll (e.g. by a metrics plugin). */
  onPollFinished?: (result: PollResult) => void;
}

export function registerPollRoute(app: FastifyInstance, options: PollRouteOptions): void {
  const allowed = new Set(options.tenants);
  const defaultTenant = options.tenants[0];
  app.post('/poll', { onRequest: agentKeyCheck(options.agentKeys) }, async (request) => {
    const tenant = resolveTenant(request.body, defaultTenant);
    if (!allowed.has(tenant)) throw new WatcherError('unknown_tenant', `tenant "${tenant}" is not configured`);
    const result = await runPoll({ ...options.poll, logger: request.log }, tenant);
    options.onPollFinished?.(result);
    return pollResponseBody(result);
  });
}

function resolveTenant(body: unknown, defaultTenant: string | undefined): string {
  const parsed = pollBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message =
      issue?.code === 'unrecognized_keys'
        ? `unknown property ${issue.keys.map((key) => `"${key}"`).join(', ')} (expected {"tenant": "…"})`
        : issue?.path.length
          ? `${issue.path.join('.')}: must be a string`
          : 'body must be a JSON object like {"tenant": "…"}';
    throw new WatcherError('invalid_body', message);
  }
  const tenant = parsed.data?.tenant ?? defaultTenant;
  if (tenant === undefined) throw new WatcherError('invalid_tenant', 'no tenant given and none configured');
  try {
    return assertTenantName(tenant);
  } catch (err) {
    throw new WatcherError('invalid_tenant', (err as Error).message);
  }
}
