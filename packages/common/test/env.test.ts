import { ConfigError, intVar, listVar, optionalVar, parseEnv } from '@relay/common';
import { expect, it } from 'vitest';
import { z } from 'zod';

const schema = z.object({
  BATCH_SIZE: intVar(1, 10_000, 50),
  TENANTS: listVar('hoamx_com'),
  SECRET: optionalVar(),
});

it('applies defaults and parses lists and integers', () => {
  expect(parseEnv(schema, {})).toEqual({ BATCH_SIZE: 50, TENANTS: ['hoamx_com'], SECRET: undefined });
  expect(parseEnv(schema, { BATCH_SIZE: '500', TENANTS: ' a, b ,,c ', SECRET: '' })).toEqual({
    BATCH_SIZE: 500,
    TENANTS: ['a', 'b', 'c'],
    SECRET: undefined,
  });
});

it('returns a frozen object', () => {
  expect(Object.isFrozen(parseEnv(schema, {}))).toBe(true);
});

it.each(['0', '10001', '1.5', 'ten', '-3'])('rejects BATCH_SIZE=%s naming the variable', (value) => {
  expect(() => parseEnv(schema, { BATCH_SIZE: value })).toThrow(
    new ConfigError('invalid configuration: BATCH_SIZE: must be an integer between 1 and 10000'),
  );
});
