import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@relay/common';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface Service {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts `node <entry>` (a built app) with `env`, its output passed through line by line
 * (prefixed with the service name when pretty).
 */
export function startService(name: string, entry: string, env: NodeJS.ProcessEnv, pretty: boolean): Service {
  const child = spawn(process.execPath, [`${root}/${entry}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = pretty ? `[${name}] ` : '';
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { name, child, exited };
}

/** SIGTERM to each service, then SIGKILL for any still running after `graceMs`. */
export async function stopServices(services: Service[], graceMs: number, logger: Logger): Promise<void> {
  await Promise.all(
    services.map(async (service) => {
      if (service.child.exitCode !== null || service.child.signalCode !== null) return;
      service.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        logger.warn({ service: service.name }, 'did not stop in time, killing');
        service.child.kill('SIGKILL');
      }, graceMs);
      await service.exited;
      clearTimeout(timer);
    }),
  );
}
