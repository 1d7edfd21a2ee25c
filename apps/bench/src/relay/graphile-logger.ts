import { Logger } from 'graphile-worker';

/** graphile-worker's own chatter (pool started, stopped) would drown the progress lines. */
export const quietGraphileLogger = new Logger(() => () => undefined);
