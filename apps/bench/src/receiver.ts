/**
 * The local downstream endpoint of every phase: a plain node:http server that reads each
 * request to its end, answers at once, and notes when each event arrived (keyed by the
 * `idempotency-key` header, which is the event id). It keeps no bodies or headers, so its
 * own cost stays small and the same for the raw undici baseline and the relay.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { nowMs } from './clock.js';

export interface BenchReceiver {
  url: string;
  /** Requests fully received, answered or not. */
  count(): number;
  /** First arrival time (nowMs) of each idempotency key. */
  arrivals: Map<string, number>;
  /** Resolves when `key` has arrived (or at once if it already has). */
  arrival(key: string): Promise<number>;
  close(): Promise<void>;
}

const OK_BODY = '{"ok":true}';
const FAIL_BODY = '{"ok":false}';

/** `status` is the answer to every request: 200, or e.g. 500 for an endpoint that always fails. */
export async function startBenchReceiver(status = 200): Promise<BenchReceiver> {
  let count = 0;
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      const at = nowMs();
      count++;
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string' && !arrivals.has(key)) {
        arrivals.set(key, at);
        const waiter = waiters.get(key);
        if (waiter) {
          waiters.delete(key);
          waiter(at);
        }
      }
      const body = status < 300 ? OK_BODY : FAIL_BODY;
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  // The dispatcher keeps connections alive between deliveries; so does a real endpoint.
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    count: () => count,
    arrivals,
    arrival(key) {
      const at = arrivals.get(key);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve) => waiters.set(key, resolve));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
