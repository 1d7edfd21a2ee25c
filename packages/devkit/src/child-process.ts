import { type ChildProcess, spawn } from 'node:child_process';
import { type WaitOptions, waitFor } from './wait.js';

export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Waits until the output matches `pattern`; returns the match. */
  waitForOutput(pattern: RegExp, options?: WaitOptions): Promise<RegExpMatchArray>;
  /** Waits for the process to exit; returns its code and signal. */
  waitForExit(options?: WaitOptions): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (SIGKILL for a crash, SIGTERM for a shutdown). */
  kill(signal?: NodeJS.Signals): void;
  exited(): boolean;
}

const running = new Set<RunningProcess>();

/**
 * Spawns a real child process (e.g. `node apps/watcher/dist/main.js`) with captured
 * output. Every process started here is tracked so a test can kill leftovers.
 */
export function startProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const handle: RunningProcess = {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    waitForOutput: (pattern, waitOptions = {}) =>
      waitFor(
        () =>
          output.match(pattern) ??
          (exit
            ? Promise.reject(
                new Error(`process exited (${JSON.stringify(exit)}) before printing ${pattern}:\n${output}`),
              )
            : undefined),
        {
          what: `output matching ${pattern}`,
          ...waitOptions,
        },
      ),
    waitForExit: (waitOptions = {}) => waitFor(() => exit, { what: `exit of pid ${child.pid}`, ...waitOptions }),
    kill: (signal = 'SIGTERM') => {
      if (!exit) child.kill(signal);
    },
    exited: () => exit !== undefined,
  };
  running.add(handle);
  child.on('exit', (code, signal) => {
    exit = { code, signal };
    running.delete(handle);
  });
  return handle;
}

/** Kills every process still running from `startProcess`; returns how many there were. */
export async function killLeftoverProcesses(): Promise<number> {
  const leftovers = [...running];
  for (const proc of leftovers) proc.kill('SIGKILL');
  await Promise.all(leftovers.map((proc) => proc.waitForExit({ timeoutMs: 5_000 }).catch(() => undefined)));
  return leftovers.length;
}
