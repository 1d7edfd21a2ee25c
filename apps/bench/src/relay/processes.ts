/**
 * The relay under test: the built watcher and dispatcher, each a real child process, with
 * the production defaults except what the bench sets (endpoints, concurrency, log level).
 */
import { resolve } from 'node:path';
import {
  freePort,
  REPO_ROOT,
  type RunningProcess,
  type StartedDispatcher,
  startDispatcher,
  startProcess,
  waitFor,
} from '@relay/devkit';
import { TENANT } from '../database.js';

const WATCHER_MAIN = resolve(REPO_ROOT, 'apps/watcher/dist/main.js');
export const AGENT_KEY = 'bench-agent-key';

export interface RelaySettings {
  databaseUrl: string;
  endpoints: readonly string[];
  concurrency: number;
  batchSize: number;
  logLevel: string;
}

export interface StartedWatcher {
  proc: RunningProcess;
  url: string;
}

export interface Relay {
  watcher: StartedWatcher;
  dispatcher: StartedDispatcher;
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

export async function startWatcher(settings: RelaySettings): Promise<StartedWatcher> {
  const port = await freePort();
  const proc = startProcess(process.execPath, [WATCHER_MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...baseEnv(settings),
      PORT: String(port),
      WATCHER_AGENT_KEY: AGENT_KEY,
      TENANTS: TENANT,
      BATCH_SIZE: String(settings.batchSize),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.exited()) throw new Error(`watcher exited:\n${proc.output()}`);
      const response = await fetch(`${url}/readyz`).catch(() => undefined);
      return response?.status === 200;
    },
    { timeoutMs: 20_000, what: 'watcher ready' },
  ).catch((err: Error) => {
    proc.kill('SIGKILL');
    throw new Error(`${err.message}\n${proc.output()}`);
  });
  return { proc, url };
}

export async function startRelay(settings: RelaySettings): Promise<Relay> {
  const watcher = await startWatcher(settings);
  let dispatcher: StartedDispatcher;
  try {
    dispatcher = await startDispatcher({
      ...baseEnv(settings),
      DOWNSTREAM_URLS: settings.endpoints.join(','),
      WORKER_CONCURRENCY: String(settings.concurrency),
    });
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
