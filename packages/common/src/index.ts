export { runMain } from './entry.js';
export {
  ConfigError,
  intVar,
  LOG_LEVELS,
  listVar,
  logFormatVar,
  logLevelVar,
  optionalVar,
  parseEnv,
  toError,
} from './env.js';
export { createLogger, type Logger, type LoggerOptions, REDACTED_PATHS } from './logger.js';
export { redactUrl } from './redact-url.js';
export { type StopHandler, type StopSignals, trapStopSignals } from './stop-signals.js';
export { withTimeout } from './with-timeout.js';
