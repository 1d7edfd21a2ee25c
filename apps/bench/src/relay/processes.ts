/**
 * The relay under test: the built watcher and dispatcher, each a real child process, with
 * the production defaults except what the bench sets (endpoints, concurrency, log level).
 */
import { resolve } from 'node:path';
import { DISPATCHER_MAIN, freePort, REPO_ROOT, type RunningProcess, startProcess, waitFor } from '@relay/devkit';
import { TENANT } from '../database.js';

const WATCHER_MAIN = resolve(REPO_ROOT, 'apps/watcher/dist/main.js');
export const AGENT_KEY = 'bench-agent-key';

export interface RelaySettings {
  databaseUrl: string;
  endpoints: readonly string[];
  concurrency: number;
  batchSize: number;
  logLevel: string;
  /** Extra node arguments of both processes (BENCH_NODE_ARGS), e.g. `--cpu-prof` for profiling. */
  nodeArgs?: readonly string[];
}

/** What the bench's options decide about the relay processes, whatever the phase. */
export type RelayKnobs = Omit<RelaySettings, 'databaseUrl' | 'endpoints'>;

export interface StartedService {
  proc: RunningProcess;
  url: string;
}

export interface Relay {
  watcher: StartedService;
  dispatcher: StartedService;
  /** SIGTERM both and wait for them to exit (SIGKILL if they hang). */
  stop(): Promise<void>;
}

function baseEnv(settings: RelaySettings): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: settings.databaseUrl,
    LOG_LEVEL: settings.logLevel,
    LOG_FORMAT: 'json',
  };
}

export async function startWatcher(settings: RelaySettings): Promise<StartedService> {
  return startService('watcher', WATCHER_MAIN, settings, {
    WATCHER_AGENT_KEY: AGENT_KEY,
    TENANTS: TENANT,
    BATCH_SIZE: String(settings.batchSize),
  });
}

export function startDispatcher(settings: RelaySettings): Promise<StartedService> {
  return startService('dispatcher', DISPATCHER_MAIN, settings, {
    DOWNSTREAM_URLS: settings.endpoints.join(','),
    WORKER_CONCURRENCY: String(settings.concurrency),
  });
}

/** Spawns `node [nodeArgs] main` and waits until its `/readyz` answers 200. */
async function startService(
  name: string,
  main: string,
  settings: RelaySettings,
  env: Record<string, string>,
): Promise<StartedService> {
  const port = await freePort();
  const proc = startProcess(process.execPath, [...(settings.nodeArgs ?? []), main], {
    cwd: REPO_ROOT,
    env: { ...baseEnv(settings), ...env, PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.exited()) throw new Error(`${name} exited:\n${proc.output()}`);
      const response = await fetch(`${url}/readyz`).catch(() => undefined);
      return response?.status === 200;
    },
    { timeoutMs: 20_000, what: `${name} ready` },
  ).catch((err: Error) => {
    proc.kill('SIGKILL');
    throw new Error(`${err.message}\n${proc.output()}`);
  });
  return { proc, url };
}

export async function startRelay(settings: RelaySettings): Promise<Relay> {
  const watcher = await startWatcher(settings);
  let dispatcher: StartedService;
  try {
    dispatcher = await startDispatcher(settings);
  } catch (err) {
    await stopProcess(watcher.proc);
    throw err;
  }
  return {
    watcher,
    dispatcher,
    stop: async () => {
      await Promise.all([stopProcess(watcher.proc), stopProcess(dispatcher.proc)]);
    },
  };
}

export async function stopProcess(proc: RunningProcess): Promise<void> {
  if (proc.exited()) return;
  proc.kill('SIGTERM');
  const exited = await proc.waitForExit({ timeoutMs: 12_000, intervalMs: 20 }).catch(() => undefined);
  if (!exited) {
    proc.kill('SIGKILL');
    await proc.waitForExit({ timeoutMs: 5_000, intervalMs: 20 });
  }
}
