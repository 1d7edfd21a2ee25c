/** The watcher's Fastify app (stage 1): built out by the watcher issue. */
export const name = 'watcher';
