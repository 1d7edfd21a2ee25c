import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** pino level label → Cloud Logging `severity`. */
const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers["x-agent-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-agent-key"]',
  'headers.authorization',
  'password',
  '*.password',
  'databaseUrl',
  '*.databaseUrl',
  'connectionString',
  '*.connectionString',
  'agentKeys',
  '*.agentKeys',
  'authValue',
  '*.authValue',
  'signingSecret',
  '*.signingSecret',
];

export interface LoggerOptions {
  /** Service name, e.g. `watcher`; becomes the `service` field of every line. */
  name: string;
  level?: string;
  /** `pretty` for humans at a terminal (needs pino-pretty, a dev dependency); `json` otherwise. */
  format?: 'json' | 'pretty';
  /** Where JSON lines go; default stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

/**
 * The one root logger of a process: JSON lines that Cloud Logging understands (`severity`,
 * `message`), secrets redacted. Modules take `logger.child({ module })`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const base: pino.LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    messageKey: 'message',
    base: { service: options.name },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label, number) => ({ severity: SEVERITY[label] ?? 'DEFAULT', level: number }),
    },
  };
  if (options.format === 'pretty') {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { messageKey: 'message', ignore: 'pid,hostname,service,severity', singleLine: true },
      },
    });
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}
