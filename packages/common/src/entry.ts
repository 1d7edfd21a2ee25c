import { ConfigError } from './env.js';

/**
 * Runs a process's `main`. A `ConfigError` (or any failure before the service is up)
 * prints one line to stderr and exits 1: bad configuration never limps on.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const prefix = err instanceof ConfigError ? '' : 'failed to start: ';
    process.stderr.write(`${service}: ${prefix}${message.split('\n')[0]}\n`);
    process.exit(1);
  });
}
