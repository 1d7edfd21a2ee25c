/** An error whose message is meant for an operator: printed as one line, no stack. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Turns whatever was thrown into an `Error`, so `catch` blocks can rely on `.message`. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
