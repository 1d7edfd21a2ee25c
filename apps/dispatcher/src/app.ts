/** The dispatcher's graphile-worker runner (stage 2): built out by the dispatcher issue. */
export const name = 'dispatcher';
