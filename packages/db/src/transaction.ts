import type pg from 'pg';

/** Runs `fn` in a transaction on `client`; rolls back and rethrows on failure. */
export async function inTransaction<T>(client: pg.ClientBase, fn: (tx: pg.ClientBase) => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

/** Checks a client out of `pool`, runs `fn` in a transaction on it, and returns the client. */
export async function withTransaction<T>(pool: pg.Pool, fn: (tx: pg.ClientBase) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    return await inTransaction(client, fn);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // A client whose transaction failed may have lost its connection: do not reuse it.
    client.release(failed);
  }
}
