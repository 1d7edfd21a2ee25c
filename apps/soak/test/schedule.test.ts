import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FAULT_FAMILIES, parseSoakOptions } from '../src/options.js';
import { activeWindow, countFaults, formatSchedule, generateSchedule } from '../src/schedule.js';

const soakMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = promisify(execFile);

describe('the fault schedule', () => {
  it('is the same for the same seed and options, and different for another seed', () => {
    const a = generateSchedule(parseSoakOptions(['--seed', '1', '--duration', '60s']));
    const b = generateSchedule(parseSoakOptions(['--seed', '1', '--duration', '60s']));
    const c = generateSchedule(parseSoakOptions(['--seed', '2', '--duration', '60s']));
    expect(b).toEqual(a);
    expect(formatSchedule(b)).toEqual(formatSchedule(a));
    expect(formatSchedule(c)).not.toEqual(formatSchedule(a));
  });

  it('injects every fault family at least once in a one-minute run', () => {
    const counts = countFaults(generateSchedule(parseSoakOptions(['--seed', '7', '--duration', '60s'])));
    for (const kind of ['http-500', 'http-429', 'http-400', 'hang', 'slow', 'reset', 'huge-body', 'pg-restart']) {
      expect(counts[kind], kind).toBeGreaterThan(0);
    }
    for (const fault of ['kill-watcher', 'kill-dispatcher', 'term-watcher', 'term-dispatcher']) {
      expect(counts[fault], fault).toBeGreaterThan(0);
    }
    expect(counts.requeue).toBe(counts['http-400']);
  });

  it('leaves out a family switched off, and everything with --no-faults', () => {
    const options = parseSoakOptions(['--no-kill', '--no-pg-restart', '--no-hang', '--no-http-400']);
    const counts = countFaults(generateSchedule(options));
    expect(Object.keys(counts).filter((k) => /kill|pg-restart|hang|http-400|requeue/.test(k))).toEqual([]);
    expect(counts['term-watcher']).toBeGreaterThan(0);
    const none = generateSchedule(parseSoakOptions(['--no-faults']));
    expect(none.actions).toEqual([]);
    expect(none.windows).toEqual([]);
  });

  it('keeps every fault inside the injection period, and answers 200 outside the windows', () => {
    const options = parseSoakOptions(['--seed', '3', '--duration', '30s', '--endpoints', '3']);
    const schedule = generateSchedule(options);
    for (const action of schedule.actions) expect(action.atMs).toBeLessThan(options.durationMs);
    for (const window of schedule.windows) {
      expect(window.untilMs).toBeLessThanOrEqual(options.durationMs);
      expect(window.endpoint).toBeLessThan(3);
    }
    const first = schedule.windows[0];
    expect(first && activeWindow(schedule, first.endpoint, first.fromMs)).toBeTruthy();
    expect(activeWindow(schedule, 0, options.durationMs + 1)).toBeUndefined();
  });
});

describe('the soak command line', () => {
  it('prints the options and the same schedule for the same seed (--dry-run)', async () => {
    const first = await run(process.execPath, [soakMain, '--seed', '42', '--duration', '45s', '--dry-run']);
    const second = await run(process.execPath, [soakMain, '--seed', '42', '--duration', '45s', '--dry-run']);
    expect(first.stdout).toContain('seed=42 duration=45s');
    expect(first.stdout).toContain('fault schedule (seed 42)');
    expect(first.stdout).toMatch(/kill -9 (watcher|dispatcher)/);
    expect(second.stdout).toBe(first.stdout);
  });

  it('stops with one line naming a bad option', async () => {
    const failure = await run(process.execPath, [soakMain, '--duration', 'soon']).catch((err: unknown) => err);
    expect(failure).toMatchObject({
      code: 1,
      stderr: 'soak: --duration: "soon" is not a duration (e.g. 90s, 5m, 1500ms)\n',
    });
  });

  it('parses every option and switch', () => {
    const options = parseSoakOptions([
      ...['--seed', '9', '--duration', '5m', '--writers', '5', '--endpoints', '3', '--tenants', '4'],
      ...['--watchers', '2', '--dispatchers', '1', '--drain-timeout', '90s', '--no-reset'],
    ]);
    expect(options).toMatchObject({
      seed: 9,
      durationMs: 300_000,
      writers: 5,
      endpoints: 3,
      tenants: 4,
      watchers: 2,
      dispatchers: 1,
      drainTimeoutMs: 90_000,
    });
    expect([...options.faults]).toEqual(FAULT_FAMILIES.filter((f) => f !== 'reset'));
    expect(() => parseSoakOptions(['--writers', '0'])).toThrow('--writers must be an integer between 1 and 32');
  });
});
