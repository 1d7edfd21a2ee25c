import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WaitOptions, waitFor } from './wait.js';

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** How to answer one request. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (the connection stays open until the client gives up or we close). */
  hang?: boolean;
  /** Destroy the connection without an answer (a reset). */
  reset?: boolean;
  /** Stream a response body of this many bytes (a "huge body" server). */
  bodyBytes?: number;
  /** `Retry-After` header value (seconds, or an HTTP date). */
  retryAfter?: string;
}

export type Responder = (request: ReceivedRequest, index: number) => Answer;

export interface Receiver {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  /** Every request received, in order, including ones not answered yet. */
  requests: ReceivedRequest[];
  /** Changes how the following requests are answered (default: 200 with `{"ok":true}`). */
  respondWith(responder: Responder | Answer): void;
  /** Waits until at least `count` requests have arrived (optionally matching `filter`). */
  waitForRequests(
    count: number,
    options?: WaitOptions & { filter?: (r: ReceivedRequest) => boolean },
  ): Promise<ReceivedRequest[]>;
  /** Parsed JSON bodies of the requests received so far. */
  bodies<T = unknown>(): T[];
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

function streamBody(res: ServerResponse, bytes: number): void {
  let left = bytes;
  const pump = (): void => {
    while (left > 0) {
      const size = Math.min(left, CHUNK.length);
      left -= size;
      if (!res.write(size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers as told: the
 * downstream endpoint of dispatcher and fault tests.
 */
export async function startReceiver(initial: Responder | Answer = {}, port = 0): Promise<Receiver> {
  let responder: Responder = typeof initial === 'function' ? initial : () => initial;
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      const index = requests.push(request) - 1;
      const answer = responder(request, index);
      const send = (): void => {
        if (answer.reset) {
          req.socket.destroy();
          return;
        }
        if (answer.hang) return;
        const headers: Record<string, string> = { 'content-type': 'application/json', ...answer.headers };
        if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
        res.writeHead(answer.status ?? 200, headers);
        if (answer.bodyBytes !== undefined) streamBody(res, answer.bodyBytes);
        else res.end(JSON.stringify({ ok: (answer.status ?? 200) < 300 }));
      };
      if (answer.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, answer.delayMs);
        timers.add(timer);
      } else send();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    requests,
    respondWith(next) {
      responder = typeof next === 'function' ? next : () => next;
    },
    waitForRequests(count, options = {}) {
      const filter = options.filter ?? (() => true);
      return waitFor(
        () => {
          const matching = requests.filter(filter);
          return matching.length >= count ? matching : undefined;
        },
        { what: `${count} requests at ${actualPort}`, ...options },
      );
    },
    bodies<T>() {
      return requests.map((r) => JSON.parse(r.body) as T);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
