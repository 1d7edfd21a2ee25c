import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
// drizzle-kit needs an output path relative to the working directory.
const scratch = `.test-output/drizzle-${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await rm(`${root}/${scratch}`, { recursive: true, force: true });
});

it('drizzle/ matches the schema: drizzle-kit generates nothing new', async () => {
  await mkdir(`${root}/.test-output`, { recursive: true });
  await cp(`${root}/drizzle`, `${root}/${scratch}`, { recursive: true });
  const before = await readdir(`${root}/${scratch}`);
  const { stdout } = await run(
    `${root}/node_modules/.bin/drizzle-kit`,
    ['generate', '--dialect', 'postgresql', '--schema', 'packages/db/src/schema.ts', '--out', scratch],
    { cwd: root, timeout: 60_000 },
  );
  expect(stdout).toContain('No schema changes');
  expect(await readdir(`${root}/${scratch}`)).toEqual(before);
});
