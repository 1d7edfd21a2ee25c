import type { Logger } from '@relay/common';
import { Logger as GraphileLogger, type LogLevel } from 'graphile-worker';

/**
 * graphile-worker's log lines through our pino logger. Only the message and the scope's
 * ids are kept: the meta objects carry whole job rows, whose payloads hold endpoint URLs
 * (which may contain tokens). Its per-job "Completed task" chatter goes to debug.
 */
export function graphileLoggerFor(logger: Logger): GraphileLogger {
  const base = logger.child({ module: 'graphile-worker' });
  return new GraphileLogger((scope) => {
    const log = base.child({ label: scope.label, worker_id: scope.workerId });
    return (level: LogLevel, message: string) => {
      const line = message.split('\n')[0] ?? message;
      if (level === 'error') log.error(line);
      else if (level === 'warning') log.warn(line);
      else log.debug(line);
    };
  });
}
