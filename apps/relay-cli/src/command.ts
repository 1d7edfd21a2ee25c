import type { ParseArgsConfig } from 'node:util';
import type pg from 'pg';
import type { Output } from './output.js';

/** What every command gets: the database and the place to print. */
export interface CommandContext {
  pool: pg.Pool;
  out: Output;
  /** The command line as typed, for the audit trail in agent_log. */
  argv: readonly string[];
  /** The process environment, read only by the commands that document a variable. */
  env: NodeJS.ProcessEnv;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the exit code: 0 ok, 1 failure (a check found problems, or an error). */
  run(ctx: CommandContext, values: OptionValues): Promise<number>;
}

/** Bad usage: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
