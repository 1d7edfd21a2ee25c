import type { Logger } from '@relay/common';

/**
 * The local stand-in for Cloud Scheduler: POST /poll for every tenant, every interval.
 * Returns a stop function that waits for the poll in flight.
 */
export function startScheduler(
  options: { watcherUrl: string; agentKey: string; tenants: readonly string[]; intervalMs: number },
  logger: Logger,
): () => Promise<void> {
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const pollOnce = async (): Promise<void> => {
    for (const tenant of options.tenants) {
      try {
        const res = await fetch(`${options.watcherUrl}/poll`, {
          method: 'POST',
          headers: { 'x-agent-key': options.agentKey, 'content-type': 'application/json' },
          body: JSON.stringify({ tenant }),
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await res.json()) as { claimed?: number; error?: string };
        if (!res.ok) logger.warn({ tenant, status: res.status, error: body.error }, 'poll failed');
        else if (body.claimed) logger.info({ tenant, claimed: body.claimed }, 'poll claimed new contact messages');
      } catch (err) {
        logger.warn({ tenant, err }, 'poll request failed');
      }
    }
  };
  const tick = (): void => {
    if (stopped) return;
    inFlight = pollOnce().finally(() => {
      if (!stopped) timer = setTimeout(tick, options.intervalMs);
    });
  };
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await inFlight;
  };
}
