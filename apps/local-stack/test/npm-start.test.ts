/**
 * `npm start` as a newcomer runs it: a real process tree (npm, the stack, an embedded
 * PostgreSQL, the watcher, the dispatcher), the printed insert command, a delivery shown
 * on screen, then Ctrl-C, i.e. SIGINT to the whole foreground process group.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool } from '@relay/db';
import { freePort, waitFor } from '@relay/devkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let dataParent: string;
let env: NodeJS.ProcessEnv;
const started: ChildProcess[] = [];

beforeAll(async () => {
  dataParent = await mkdtemp(join(tmpdir(), 'relay-npm-start-'));
  await chmod(dataParent, 0o755); // the embedded server runs as the postgres user
  env = {
    ...process.env,
    DATABASE_URL: '',
    DOWNSTREAM_URLS: '',
    RELAY_DATA_DIR: join(dataParent, 'postgres'),
    LOCAL_PG_PORT: String(await freePort()),
    PORT: String(await freePort()),
    DISPATCHER_PORT: String(await freePort()),
    DEMO_RECEIVER_PORT: String(await freePort()),
    POLL_INTERVAL_MS: '200',
    LOG_FORMAT: 'json',
  };
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
  await rm(dataParent, { recursive: true, force: true });
});

interface Stack {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function npmStart(): Stack {
  // Its own process group, like a shell job, so the test can send what Ctrl-C sends.
  const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Processes still running from this test's stack (they all name its data dir or its ports). */
function leftovers(): string[] {
  const table = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return table
    .split('\n')
    .filter(
      (line) =>
        line.includes(env.RELAY_DATA_DIR ?? '') || /local-stack\/dist|watcher\/dist|dispatcher\/dist/.test(line),
    )
    .filter((line) => !line.includes('vitest'))
    .filter((line) => {
      const pid = Number(line.trim().split(/\s+/)[0]);
      // Only descendants of our npm processes count; other suites may run their own apps.
      return started.some((child) => isDescendant(pid, child.pid ?? -1));
    });
}

function isDescendant(pid: number, ancestor: number): boolean {
  let current = pid;
  for (let i = 0; i < 10 && current > 1; i++) {
    if (current === ancestor) return true;
    try {
      const stat = execFileSync('cat', [`/proc/${current}/stat`], { encoding: 'utf8' });
      current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return false;
    }
  }
  return false;
}

async function ctrlC(stack: Stack): Promise<number | null> {
  const before = leftovers();
  expect(before.length).toBeGreaterThan(0);
  process.kill(-(stack.child.pid ?? 0), 'SIGINT');
  const code = await Promise.race([
    stack.exited,
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000)),
  ]);
  expect(code, stack.output().slice(-2000)).toBe(0);
  await waitFor(() => leftovers().length === 0, { timeoutMs: 10_000, what: 'no process left running' });
  return code as number;
}

it('npm start shows a delivery of the printed insert, and Ctrl-C stops everything; a second start works', async () => {
  const first = npmStart();
  const banner = await waitFor(() => first.output().match(/psql "(postgres:\/\/[^"]+)" -c "([^"]+)"/), {
    timeoutMs: 120_000,
    what: `the banner\n${first.output().slice(-2000)}`,
  });
  const [, databaseUrl, insertSql] = banner;
  expect(databaseUrl).toBe(`postgres://postgres:postgres@127.0.0.1:${env.LOCAL_PG_PORT}/postgres`);

  const pool = createPool({ connectionString: databaseUrl ?? '', applicationName: 'npm-start-test', max: 1 });
  try {
    await pool.query(insertSql ?? '');
    const { rows } = await pool.query<{ id: string }>('select max(id) as id from hoamx_com.contact_messages');
    const eventId = `contact.created:hoamx_com:${rows[0]?.id}`;
    await waitFor(() => first.output().includes(`demo receiver got ${eventId}`), {
      timeoutMs: 30_000,
      what: `${eventId} shown by the demo receiver`,
    });
  } finally {
    await pool.end();
  }
  await ctrlC(first);

  // The data survived; the second stack starts on it and stops as cleanly.
  const second = npmStart();
  await waitFor(() => second.output().includes('outbox relay is running'), {
    timeoutMs: 120_000,
    what: 'second start',
  });
  const again = createPool({ connectionString: databaseUrl ?? '', applicationName: 'npm-start-test', max: 1 });
  try {
    const { rows } = await again.query<{ n: string }>('select count(*) as n from relay.event_outbox');
    expect(Number(rows[0]?.n)).toBe(1);
  } finally {
    await again.end();
  }
  await ctrlC(second);
}, 300_000);
