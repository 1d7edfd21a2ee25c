import { sleep } from './sleep.js';

export interface PollStats {
  polls: number;
  /** 200 answers, and the events they claimed. */
  ok: number;
  claimed: number;
  /** Polls that found the tenant locked by the other watcher's poll. */
  busy: number;
  /** 503: the watcher could not reach PostgreSQL. */
  unavailable: number;
  /** The watcher process was down (connection refused/reset, timeout). */
  unreachable: number;
  /** Any other status: a bug in the watcher or the driver. */
  unexpected: Record<string, number>;
}

export interface PollDriver {
  stats(): PollStats;
  stop(): Promise<PollStats>;
}

interface PollAnswer {
  claimed?: number;
  busy?: boolean;
}

/**
 * The scheduler stand-in: one loop per (watcher, tenant), so every tenant is polled by
 * every watcher at once — the race the watcher's `SKIP LOCKED` state row must settle.
 */
export function startPollDriver(options: {
  watcherUrls: readonly string[];
  tenants: readonly string[];
  agentKey: string;
  intervalMs: number;
}): PollDriver {
  const stats: PollStats = { polls: 0, ok: 0, claimed: 0, busy: 0, unavailable: 0, unreachable: 0, unexpected: {} };
  let stopped = false;
  const pollOnce = async (url: string, tenant: string): Promise<void> => {
    stats.polls++;
    try {
      const res = await fetch(`${url}/poll`, {
        method: 'POST',
        headers: { 'x-agent-key': options.agentKey, 'content-type': 'application/json' },
        body: JSON.stringify({ tenant }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json().catch(() => ({}))) as PollAnswer;
      if (res.status === 200) {
        stats.ok++;
        stats.claimed += body.claimed ?? 0;
        if (body.busy) stats.busy++;
      } else if (res.status === 503) stats.unavailable++;
      else stats.unexpected[String(res.status)] = (stats.unexpected[String(res.status)] ?? 0) + 1;
    } catch {
      stats.unreachable++;
    }
  };
  const loops = options.watcherUrls.flatMap((url) =>
    options.tenants.map(async (tenant) => {
      while (!stopped) {
        await pollOnce(url, tenant);
        await sleep(options.intervalMs);
      }
    }),
  );
  let stopping: Promise<PollStats> | undefined;
  return {
    stats: () => ({ ...stats, unexpected: { ...stats.unexpected } }),
    stop() {
      stopped = true;
      stopping ??= Promise.all(loops).then(() => ({ ...stats }));
      return stopping;
    },
  };
}
