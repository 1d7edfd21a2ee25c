import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '@relay/common';
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

it('redacts credentials and query values from URLs', () => {
  expect(redactUrl('https://user:pw@hooks.example.com/in?token=abc&x=1')).toBe(
    'https://***:***@hooks.example.com/in?token=***&x=***',
  );
  expect(redactUrl('http://127.0.0.1:8090/events')).toBe('http://127.0.0.1:8090/events');
  expect(redactUrl('not a url')).toBe('<invalid url>');
});
