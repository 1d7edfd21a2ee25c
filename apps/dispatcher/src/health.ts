import type pg from 'pg';

export interface Readiness {
  ready: boolean;
  reason?: string;
}

/**
 * Ready when the worker pool runs and the database answers within `timeoutMs`. A
 * database restart turns this false until both are back.
 */
export async function checkReadiness(pool: pg.Pool, isRunning: () => boolean, timeoutMs = 2_000): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pool.query('select 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('database did not answer in time')), timeoutMs);
      }),
    ]);
  } catch {
    return { ready: false, reason: 'database unreachable' };
  } finally {
    clearTimeout(timer);
  }
  if (!isRunning()) return { ready: false, reason: 'worker not running' };
  return { ready: true };
}
