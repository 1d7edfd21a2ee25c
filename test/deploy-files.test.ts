/**
 * Docker has no engine on the machines that run this suite, so the compose file and the
 * Dockerfiles are checked by reading them: every file, script, workspace and service they
 * name must exist (the suite runs after `npm run build`, so dist/ entry points count).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(`${root}/${path}`, 'utf8');
const exists = (path: string) => existsSync(`${root}/${path}`);

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
const services = compose.services;
const dockerfiles = ['apps/watcher/Dockerfile', 'apps/dispatcher/Dockerfile'];
const workspaces = new Set(
  ['apps/watcher', 'apps/dispatcher', 'apps/local-stack', 'packages/db', 'packages/common', 'packages/devkit']
    .filter(exists)
    .map((dir) => (JSON.parse(read(`${dir}/package.json`)) as { name: string }).name),
);

describe('docker-compose.yml', () => {
  it('has the whole stack: postgres, migrate, watcher, dispatcher, scheduler, demo receiver', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['demo-receiver', 'dispatcher', 'migrate', 'postgres', 'scheduler', 'watcher'].sort(),
    );
  });

  it('runs postgres 17 with a health check', () => {
    expect(services.postgres?.image).toMatch(/^postgres:17/);
    expect(services.postgres?.healthcheck).toBeDefined();
  });

  it('starts in order: migrate after a healthy postgres, the apps after a completed migrate', () => {
    expect(services.migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(services.watcher?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    expect(services.dispatcher?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    expect(services.scheduler?.depends_on?.watcher?.condition).toBe('service_healthy');
  });

  it.each(Object.entries(services))('service %s names only things that exist', (_name, service) => {
    expect(service.image ?? service.build, 'image or build').toBeDefined();
    if (service.build) expect(exists(service.build.dockerfile), service.build.dockerfile).toBe(true);
    for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(services)).toContain(dependency);
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0] ?? '';
      if (source.startsWith('./')) expect(exists(source), source).toBe(true);
    }
    const command = Array.isArray(service.command) ? service.command : [];
    // A built service's `node <path>` runs a file of the image, i.e. of this repository.
    if (service.build && command[0] === 'node') expect(exists(command[1] ?? ''), command[1]).toBe(true);
  });
});

describe.each(dockerfiles)('%s', (dockerfile) => {
  const text = read(dockerfile);
  const app = dockerfile.split('/')[1];

  it('is multi-stage, prunes to its own workspace and runs as a non-root user', () => {
    expect(text.match(/^FROM /gm)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(text).toContain(`turbo prune @relay/${app} --docker`);
    expect(text).toMatch(/npm prune --omit=dev/);
    expect(text).toMatch(/^USER node$/m);
  });

  it('copies only files that exist and names only real workspaces', () => {
    for (const [, source] of text.matchAll(/^COPY (?!--from)(\S+) /gm)) {
      if (source !== '.') expect(exists(source ?? ''), source).toBe(true);
    }
    for (const [, name] of text.matchAll(/@relay\/([a-z-]+)/g)) expect(workspaces).toContain(`@relay/${name}`);
  });

  it('starts the built entry point with node as PID 1', () => {
    const cmd = text.match(/^CMD \["node", "([^"]+)"\]$/m)?.[1];
    expect(cmd).toBe(`apps/${app}/dist/main.js`);
    expect(exists(cmd ?? ''), cmd).toBe(true);
  });
});

describe('package.json', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it('has the contract scripts', () => {
    for (const name of ['start', 'test', 'build', 'db:migrate', 'start:watcher', 'start:dispatcher']) {
      expect(scripts, name).toHaveProperty([name]);
    }
  });

  it('points the production entry points at built files that exist', () => {
    for (const name of ['start:watcher', 'start:dispatcher']) {
      const file = scripts[name]?.match(/node (\S+)/)?.[1] ?? '';
      expect(exists(file), `${name}: ${file}`).toBe(true);
    }
  });
});

describe('cloudrun/README.md', () => {
  it('runs files that exist in the images', () => {
    const text = read('cloudrun/README.md');
    for (const [, args] of text.matchAll(/--args=(\S+\.js)/g)) expect(exists(args ?? ''), args).toBe(true);
    for (const [, dockerfile] of text.matchAll(/-f (\S+Dockerfile)/g))
      expect(exists(dockerfile ?? ''), dockerfile).toBe(true);
  });
});
