import { Agent, errors, request } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';

/** At most this much of a response body is read; the rest is discarded with the connection. */
export const RESPONSE_BODY_CAP_BYTES = 64 * 1024;
/** How much of an error response body is kept for `last_error`. */
const BODY_SNIPPET_BYTES = 200;

export type SendResult =
  | { kind: 'response'; statusCode: number; headers: IncomingHttpHeaders; bodySnippet: string }
  | { kind: 'timeout'; error: string }
  | { kind: 'interrupted'; error: string }
  | { kind: 'network'; error: string };

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Total deadline: connect, headers and body together. */
  timeoutMs: number;
  /** graphile-worker's abort signal: the process is shutting down. */
  abortSignal?: AbortSignal;
}

/**
 * The HTTP client shared by a process's deliveries. undici's own timeouts only bound the
 * gaps between chunks (300 s by default), so they are set to the total deadline as a
 * backstop; the real bound is the AbortSignal in `send`. Redirects are never followed.
 */
export function createHttpAgent(options: { timeoutMs: number; connectionsPerOrigin: number }): Agent {
  return new Agent({
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connections: options.connectionsPerOrigin,
  });
}

/**
 * POSTs `body` to `url` and reads at most RESPONSE_BODY_CAP_BYTES of the answer, so a
 * huge or endless response costs neither memory nor time. Never throws: every failure
 * becomes a `SendResult` the outcome rules classify. The error texts never contain the
 * URL (its query string may hold a token).
 */
export async function send(agent: Agent, options: SendOptions): Promise<SendResult> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.abortSignal ? AbortSignal.any([deadline, options.abortSignal]) : deadline;
  try {
    const response = await request(options.url, {
      dispatcher: agent,
      method: 'POST',
      headers: options.headers,
      body: options.body,
      signal,
    });
    const bodySnippet = await drainCapped(response.body);
    return { kind: 'response', statusCode: response.statusCode, headers: response.headers, bodySnippet };
  } catch (err) {
    if (deadline.aborted) return { kind: 'timeout', error: `timed out after ${options.timeoutMs} ms` };
    if (options.abortSignal?.aborted) return { kind: 'interrupted', error: 'interrupted by shutdown' };
    return { kind: 'network', error: describeNetworkError(err) };
  }
}

/** Reads up to the cap (keeping only a short prefix), then destroys the stream. */
async function drainCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  let received = 0;
  let snippet = '';
  try {
    for await (const chunk of body) {
      if (snippet.length < BODY_SNIPPET_BYTES) snippet += chunk.subarray(0, BODY_SNIPPET_BYTES).toString('utf8');
      received += chunk.length;
      if (received >= RESPONSE_BODY_CAP_BYTES) break;
    }
  } finally {
    body.destroy();
  }
  return snippet.slice(0, BODY_SNIPPET_BYTES);
}

function describeNetworkError(err: unknown): string {
  const error = err instanceof Error ? err : new Error(String(err));
  const cause = (error as { cause?: unknown }).cause;
  const code =
    (error as NodeJS.ErrnoException).code ??
    (cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined);
  if (error instanceof errors.ConnectTimeoutError) return 'connect timeout';
  if (error instanceof errors.SocketError) return `connection lost (${code ?? 'socket closed'})`;
  return `connection error (${code ?? error.name})`;
}
