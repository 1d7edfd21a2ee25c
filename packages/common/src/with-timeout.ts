/**
 * `work`, or a rejection once `ms` have passed, whichever comes first. The losing query
 * still settles later; its outcome is dropped so it cannot become an unhandled rejection.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what = 'database'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
