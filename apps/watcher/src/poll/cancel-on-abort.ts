/**
 * Shutdown support: when `signal` aborts (the grace period after SIGTERM has run out), ask
 * the server to cancel the statement running on `client`, from another connection
 * (`pg_cancel_backend`). The poll's transaction then rolls back at once, instead of the
 * process exiting with it open (holding the tenant's lock until the server notices).
 */
import type pg from 'pg';

/** Returns a function that stops listening; call it once the client is released. */
export function cancelOnAbort(pool: pg.Pool, client: pg.PoolClient, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => undefined;
  // node-pg sets processID from the server's BackendKeyData; it is not in @types/pg.
  const pid = (client as pg.PoolClient & { processID?: number | null }).processID;
  const cancel = () => {
    if (typeof pid !== 'number') return;
    pool.query('select pg_cancel_backend($1::int)', [pid]).catch(() => undefined);
  };
  if (signal.aborted) cancel();
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}
