import { z } from 'zod';

/** Thrown for bad configuration; the entry point prints its message as one line and exits 1. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates `env` against `schema` (keys are the variable names) and returns the frozen
 * result. On failure throws a `ConfigError` naming the first bad variable.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): Readonly<z.output<S>> {
  const result = schema.safeParse(env);
  if (result.success) return Object.freeze(result.data);
  const issue = result.error.issues[0];
  const variable = issue?.path.join('.') || 'environment';
  throw new ConfigError(`invalid configuration: ${variable}: ${issue?.message ?? 'invalid value'}`);
}

/** Treats an empty string like an unset variable, as shells and compose files produce both. */
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** An integer variable in [min, max], with a default when unset. */
export function intVar(min: number, max: number, fallback: number) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^-?\d+$/, `must be an integer between ${min} and ${max}`)
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, `must be an integer between ${min} and ${max}`)
          .max(max, `must be an integer between ${min} and ${max}`),
      )
      .default(fallback),
  );
}

/** A comma-separated list (whitespace trimmed, empty items dropped). */
export function listVar(fallback: string) {
  return z.preprocess(
    (value) => (value === undefined ? fallback : value),
    z.string().transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  );
}

/** An optional string; blank counts as unset. */
export function optionalVar() {
  return z.preprocess(blankToUndefined, z.string().optional());
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** `LOG_LEVEL`, default info. */
export const logLevelVar = z.preprocess(blankToUndefined, z.enum(LOG_LEVELS).default('info'));

/** `LOG_FORMAT`: pretty at a terminal, JSON when piped (Cloud Run, compose). */
export const logFormatVar = z.preprocess(
  blankToUndefined,
  z.enum(['json', 'pretty']).default(process.stdout.isTTY ? 'pretty' : 'json'),
);

/** Turns whatever was thrown into an `Error`, so `catch` blocks can rely on `.message`. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
