/**
 * Raw undici `request` POSTs per second to the bench receiver, from a child process
 * (`undici-client.js`), with the dispatcher's concurrency: the HTTP limit of this machine
 * for the relay's shape of traffic.
 */
import { fileURLToPath } from 'node:url';
import { startProcess } from '@relay/devkit';
import type { BenchReceiver } from '../receiver.js';

const CLIENT = fileURLToPath(new URL('./undici-client.js', import.meta.url));

export interface RawUndici {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
}

export async function measureRawUndici(
  receiver: BenchReceiver,
  options: { requests: number; concurrency: number },
): Promise<RawUndici> {
  const proc = startProcess(process.execPath, [
    CLIENT,
    receiver.url,
    String(options.requests),
    String(options.concurrency),
  ]);
  const exit = await proc.waitForExit({ timeoutMs: 300_000, intervalMs: 20 });
  const line = proc.output().trim().split('\n').at(-1) ?? '';
  if (exit.code !== 0) throw new Error(`raw undici client failed: ${proc.output().trim()}`);
  const { requests, seconds } = JSON.parse(line) as { requests: number; seconds: number };
  return { requests, seconds, requestsPerSecond: requests / seconds };
}
