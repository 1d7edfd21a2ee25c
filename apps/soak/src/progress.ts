import type pg from 'pg';

/** Every `intervalMs`, one line of how far the relay has got; returns a stop function. */
export function startProgress(pool: pg.Pool, intervalMs: number, print: (line: string) => void): () => void {
  const timer = setInterval(() => {
    pool
      .query<{ events: string; delivered: string; jobs: string }>(
        `select (select count(*) from relay.event_outbox) as events,
                (select count(*) from relay.event_outbox where delivered_at is not null) as delivered,
                (select count(*) from graphile_worker.jobs) as jobs`,
      )
      .then(({ rows }) => {
        const row = rows[0];
        print(`progress: ${row?.events} events, ${row?.delivered} delivered everywhere, ${row?.jobs} jobs queued`);
      })
      .catch(() => print('progress: database unreachable'));
  }, intervalMs);
  return () => clearInterval(timer);
}
