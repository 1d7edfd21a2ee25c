import { assertTenantName, quoteIdent } from '@relay/db';
import { expect, it } from 'vitest';

it.each(['hoamx_com', '_t', 'a1_b2', 'x'.repeat(63)])('accepts the tenant name %s', (name) => {
  expect(assertTenantName(name)).toBe(name);
});

it.each([
  ['', /not a valid name/],
  ['Hoamx', /not a valid name/],
  ['1abc', /not a valid name/],
  ['a-b', /not a valid name/],
  ['a"; drop table x; --', /not a valid name/],
  ['x'.repeat(64), /not a valid name/],
  ['relay', /reserved/],
  ['graphile_worker', /reserved/],
  ['pg_catalog', /reserved/],
  ['information_schema', /reserved/],
])('rejects the tenant name %j', (name, message) => {
  expect(() => assertTenantName(name)).toThrow(message);
});

it('quotes identifiers, doubling embedded quotes', () => {
  expect(quoteIdent('hoamx_com')).toBe('"hoamx_com"');
  expect(quoteIdent('a"b')).toBe('"a""b"');
});
