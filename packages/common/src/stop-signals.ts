export type StopHandler = (signal: NodeJS.Signals) => void;

export interface StopSignals {
  /** Sets (or replaces) what SIGTERM/SIGINT do; a signal that came before runs it at once. */
  onStop(handler: StopHandler): void;
}

/**
 * Traps SIGTERM and SIGINT from the first line of `main`. Without this, a signal that
 * arrives while the process is still starting (Cloud Run scaling in, a supervisor's
 * restart) kills it by signal, never exit 0, and whatever it had begun is left as it was.
 * A signal that comes before a handler is set is held and handed to the first one set.
 */
export function trapStopSignals(): StopSignals {
  let handler: StopHandler | undefined;
  let pending: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (handler) handler(signal);
    else pending ??= signal;
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    onStop(next) {
      handler = next;
      if (pending) next(pending);
    },
  };
}
