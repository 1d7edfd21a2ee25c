import { Writable } from 'node:stream';
import { createLogger } from '@relay/common';
import { expect, it } from 'vitest';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { lines, destination };
}

it('writes Cloud Logging fields: severity, message, service', () => {
  const { lines, destination } = capture();
  const logger = createLogger({ name: 'watcher', destination });
  logger.warn({ tenant: 'hoamx_com' }, 'watermark held back');
  expect(lines[0]).toMatchObject({
    severity: 'WARNING',
    message: 'watermark held back',
    service: 'watcher',
    tenant: 'hoamx_com',
  });
});

it('redacts the agent key, passwords and connection strings', () => {
  const { lines, destination } = capture();
  const logger = createLogger({ name: 'watcher', destination });
  logger.info({ req: { headers: { 'x-agent-key': 'k1' } }, config: { databaseUrl: 'postgres://u:p@h/db' } }, 'x');
  const line = JSON.stringify(lines[0]);
  expect(line).not.toContain('k1');
  expect(line).not.toContain('postgres://u:p@h/db');
  expect(line).toContain('[redacted]');
});
