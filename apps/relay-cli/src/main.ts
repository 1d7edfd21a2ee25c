#!/usr/bin/env node
/**
 * `npm run relay -- <command>`: the operator CLI. Exit codes: 0 ok, 1 failure (or a check
 * that found problems), 2 usage. DATABASE_URL from the environment.
 */
import { parseArgs } from 'node:util';
import { toError } from '@relay/common';
import { createPool, describeConnectionError, parseDatabaseUrl } from '@relay/db';
import { type Command, type OptionValues, UsageError } from './command.js';
import { commands } from './commands/index.js';
import { createOutput } from './output.js';

const GLOBAL_HELP = `Usage: npm run -s relay -- <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Every command takes --help and --json. DATABASE_URL names the database.
Exit codes: 0 ok, 1 failure or problems found, 2 usage error.`;

function parseCommandLine(command: Command, args: string[]): OptionValues {
  try {
    const { values } = parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (err) {
    throw new UsageError(toError(err).message);
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${GLOBAL_HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  const values = parseCommandLine(command, rest);
  if (values.help) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  const pool = createPool({
    connectionString: parseDatabaseUrl(process.env.DATABASE_URL),
    applicationName: `relay-cli ${command.name}`,
    max: 2,
  });
  try {
    return await command.run({ pool, out: createOutput(values.json === true), argv, env: process.env }, values);
  } finally {
    await pool.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`relay: ${err.message}\nRun "npm run relay -- --help" for usage.\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`relay: ${describeConnectionError(err)}\n`);
    process.exitCode = 1;
  },
);
