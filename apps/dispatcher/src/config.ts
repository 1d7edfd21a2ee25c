import { ConfigError, intVar, listVar, logFormatVar, logLevelVar, optionalVar, parseEnv } from '@relay/common';
import { DEFAULT_DELIVERY_MAX_ATTEMPTS, parseDatabaseUrl } from '@relay/db';
import { z } from 'zod';
import { parseSigningSecrets, type SigningKey } from './deliver/signature.js';

/**
 * Production retry schedule (DELIVERY_* defaults), in the spirit of Svix and Stripe:
 * attempt k waits a full-jitter delay drawn from [base, min(max, base·2^(k-1))].
 * With base 10 s and max 6 h the caps are 10 s, 20 s, 40 s … 5.7 h (12 doublings, summing
 * to 40,950 s ≈ 11.4 h), then 6 h for the 6 remaining retries of 19 attempts (36 h):
 * 47.4 h of caps, so the expected span of all 18 retries (each ≈ cap/2) is about 23.7 h —
 * a day — and never more than 47 h.
 */
export const DEFAULT_MAX_ATTEMPTS = DEFAULT_DELIVERY_MAX_ATTEMPTS;
export const DEFAULT_BACKOFF_BASE_MS = 10_000;
export const DEFAULT_BACKOFF_MAX_MS = 6 * 60 * 60 * 1000;
/** Delivered events and agent_log rows older than this many days are removed daily. */
export const DEFAULT_RETENTION_DAYS = 30;
/** Below Cloud Run's 10 s grace period, so a delivery under way at SIGTERM still finishes. */
export const DEFAULT_TIMEOUT_MS = 8_000;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const endpointUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'each entry must be an http(s) URL');

const envSchema = z.object({
  DATABASE_URL: z.string().optional(),
  PORT: intVar(0, 65535, 8080),
  DOWNSTREAM_URLS: z.preprocess(
    (value) => (value === undefined ? '' : value),
    listVar('').pipe(z.array(endpointUrl).min(1, 'is required: comma-separated http(s) URLs')),
  ),
  DOWNSTREAM_AUTH_HEADER: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.string().trim().regex(HEADER_NAME, 'must be an HTTP header name').default('authorization'),
  ),
  DOWNSTREAM_AUTH_VALUE: optionalVar(),
  DOWNSTREAM_SIGNING_SECRET: optionalVar(),
  DOWNSTREAM_TIMEOUT_MS: intVar(100, 600_000, DEFAULT_TIMEOUT_MS),
  DELIVERY_MAX_ATTEMPTS: intVar(1, 32_767, DEFAULT_MAX_ATTEMPTS),
  DELIVERY_BACKOFF_BASE_MS: intVar(10, 86_400_000, DEFAULT_BACKOFF_BASE_MS),
  DELIVERY_BACKOFF_MAX_MS: intVar(10, 7 * 86_400_000, DEFAULT_BACKOFF_MAX_MS),
  WORKER_CONCURRENCY: intVar(1, 1000, 10),
  WORKER_POLL_INTERVAL_MS: intVar(50, 60_000, 2_000),
  DISPATCHER_STALE_AFTER_MS: intVar(1_000, 86_400_000, 60_000),
  RETENTION_DAYS: intVar(1, 36_500, DEFAULT_RETENTION_DAYS),
  LOG_LEVEL: logLevelVar,
  LOG_FORMAT: logFormatVar,
});

export interface DispatcherConfig {
  databaseUrl: string;
  port: number;
  endpoints: readonly string[];
  authHeader: string;
  authValue: string | undefined;
  signingKeys: readonly SigningKey[];
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  concurrency: number;
  pollIntervalMs: number;
  staleAfterMs: number;
  /** The daily retention task removes delivered events and agent_log rows older than this. */
  retentionDays: number;
  logLevel: string;
  logFormat: 'json' | 'pretty';
}

/** Validates the dispatcher's environment; throws a one-line `ConfigError` naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Readonly<DispatcherConfig> {
  const parsed = parseEnv(envSchema, env);
  const databaseUrl = parseDatabaseUrl(parsed.DATABASE_URL);
  if (parsed.DELIVERY_BACKOFF_MAX_MS < parsed.DELIVERY_BACKOFF_BASE_MS) {
    throw new ConfigError('invalid configuration: DELIVERY_BACKOFF_MAX_MS: must be at least DELIVERY_BACKOFF_BASE_MS');
  }
  return Object.freeze({
    databaseUrl,
    port: parsed.PORT,
    endpoints: Object.freeze([...new Set(parsed.DOWNSTREAM_URLS)]),
    authHeader: parsed.DOWNSTREAM_AUTH_HEADER.toLowerCase(),
    authValue: parsed.DOWNSTREAM_AUTH_VALUE,
    signingKeys: parseSigningSecrets(parsed.DOWNSTREAM_SIGNING_SECRET),
    timeoutMs: parsed.DOWNSTREAM_TIMEOUT_MS,
    maxAttempts: parsed.DELIVERY_MAX_ATTEMPTS,
    backoffBaseMs: parsed.DELIVERY_BACKOFF_BASE_MS,
    backoffMaxMs: parsed.DELIVERY_BACKOFF_MAX_MS,
    concurrency: parsed.WORKER_CONCURRENCY,
    pollIntervalMs: parsed.WORKER_POLL_INTERVAL_MS,
    staleAfterMs: parsed.DISPATCHER_STALE_AFTER_MS,
    retentionDays: parsed.RETENTION_DAYS,
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
  });
}
