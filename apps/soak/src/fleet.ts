import { fileURLToPath } from 'node:url';
import { type RunningProcess, startProcess } from '@relay/devkit';
import type { ProcessRole } from './schedule.js';

/** The built entry points of the system under test. */
export const ENTRY_POINTS: Record<ProcessRole, string> = {
  watcher: fileURLToPath(new URL('../../watcher/dist/main.js', import.meta.url)),
  dispatcher: fileURLToPath(new URL('../../dispatcher/dist/main.js', import.meta.url)),
};

/** Cloud Run's grace period: a SIGTERM'd process that is still alive after this is killed. */
export const TERM_GRACE_MS = 15_000;

export interface SlotSpec {
  role: ProcessRole;
  index: number;
  port: number;
  env: NodeJS.ProcessEnv;
}

/** One process exit the fleet saw, and why. */
export interface ExitRecord {
  role: ProcessRole;
  index: number;
  pid: number;
  /** `kill` (SIGKILL), `term` (SIGTERM, by a fault or the final stop) or `unexpected` (on its own). */
  cause: 'kill' | 'term' | 'unexpected';
  code: number | null;
  signal: NodeJS.Signals | null;
  /** For SIGTERM: how long the process took to exit. */
  tookMs?: number;
  /**
   * The process had printed its started line when the signal came. Before that (node still
   * loading modules) nothing can trap a signal, and the process had begun nothing to lose.
   */
  booted?: boolean;
  atMs: number;
}

/** The line each process logs once it is up and its signal handling is in place. */
const STARTED_LINE: Record<ProcessRole, RegExp> = {
  watcher: /"message":"watcher listening"/,
  dispatcher: /"message":"dispatcher started"/,
};

interface Slot extends SlotSpec {
  current?: RunningProcess;
  incarnations: RunningProcess[];
  /** Faults on one slot run one after another (a kill never races a restart). */
  queue: Promise<void>;
  /** Set while the fleet itself is stopping or killing the process: its exit is expected. */
  expectingExit: boolean;
}

/**
 * The watcher and dispatcher processes of a run: started, killed, SIGTERM'd and
 * restarted by slot (role + index, keeping its port), every exit recorded.
 */
export class Fleet {
  readonly exits: ExitRecord[] = [];
  private readonly slots: Slot[];
  private stopping = false;

  constructor(
    specs: SlotSpec[],
    private readonly elapsed: () => number,
    private readonly onUnexpectedExit: (record: ExitRecord) => void = () => undefined,
  ) {
    this.slots = specs.map((spec) => ({ ...spec, incarnations: [], queue: Promise.resolve(), expectingExit: false }));
  }

  urls(role: ProcessRole): string[] {
    return this.slots.filter((s) => s.role === role).map((s) => `http://127.0.0.1:${s.port}`);
  }

  startAll(): void {
    for (const slot of this.slots) this.spawn(slot);
  }

  /** Kills (SIGKILL) or SIGTERMs one process, then restarts it after `restartAfterMs`. */
  fault(role: ProcessRole, index: number, kind: 'kill' | 'term', restartAfterMs: number): Promise<void> {
    const slot = this.slot(role, index);
    slot.queue = slot.queue.then(async () => {
      if (this.stopping) return;
      await this.end(slot, kind);
      await new Promise((resolve) => setTimeout(resolve, restartAfterMs));
      if (!this.stopping && !slot.current) this.spawn(slot);
    });
    return slot.queue;
  }

  /** Restarts whatever is down (a process that died on its own, a fault still pending). */
  async ensureRunning(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.queue));
    for (const slot of this.slots) if (!slot.current) this.spawn(slot);
  }

  /** SIGTERMs every process and waits for each to exit (SIGKILL after the grace period). */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.slots.map((s) => s.queue));
    await Promise.all(this.slots.map((slot) => this.end(slot, 'term')));
  }

  /** Processes started by this fleet that are still alive (checked with signal 0). */
  stillRunning(): { role: ProcessRole; index: number; pid: number }[] {
    return this.slots.flatMap((slot) =>
      slot.incarnations
        .filter((p) => !p.exited() || isAlive(p.pid))
        .map((p) => ({ role: slot.role, index: slot.index, pid: p.pid })),
    );
  }

  /** Every incarnation's output, for the run's log files. */
  logs(): { name: string; output: string }[] {
    return this.slots.flatMap((slot) =>
      slot.incarnations.map((p, n) => ({ name: `${slot.role}-${slot.index}-${n}`, output: p.output() })),
    );
  }

  restarts(): number {
    return this.slots.reduce((sum, s) => sum + Math.max(0, s.incarnations.length - 1), 0);
  }

  private slot(role: ProcessRole, index: number): Slot {
    const slot = this.slots.find((s) => s.role === role && s.index === index);
    if (!slot) throw new Error(`no ${role} #${index}`);
    return slot;
  }

  private spawn(slot: Slot): void {
    const proc = startProcess(process.execPath, [ENTRY_POINTS[slot.role]], {
      env: { ...slot.env, PORT: String(slot.port) },
    });
    slot.current = proc;
    slot.incarnations.push(proc);
    slot.expectingExit = false;
    proc.child.once('exit', (code, signal) => {
      if (slot.current !== proc) return;
      slot.current = undefined;
      if (slot.expectingExit) return;
      const record: ExitRecord = {
        role: slot.role,
        index: slot.index,
        pid: proc.pid,
        cause: 'unexpected',
        code,
        signal,
        atMs: this.elapsed(),
      };
      this.exits.push(record);
      this.onUnexpectedExit(record);
    });
  }

  private async end(slot: Slot, kind: 'kill' | 'term'): Promise<void> {
    const proc = slot.current;
    if (!proc || proc.exited()) return;
    slot.expectingExit = true;
    const startedAt = Date.now();
    const booted = STARTED_LINE[slot.role].test(proc.output());
    proc.kill(kind === 'kill' ? 'SIGKILL' : 'SIGTERM');
    let exit = await proc.waitForExit({ timeoutMs: TERM_GRACE_MS, intervalMs: 20 }).catch(() => undefined);
    const tookMs = Date.now() - startedAt;
    if (!exit) {
      proc.kill('SIGKILL');
      exit = await proc.waitForExit({ timeoutMs: 5_000, intervalMs: 20 });
    }
    slot.current = undefined;
    this.exits.push({
      role: slot.role,
      index: slot.index,
      pid: proc.pid,
      cause: kind,
      ...exit,
      ...(kind === 'term' ? { tookMs, booted } : {}),
      atMs: this.elapsed(),
    });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
