/** The migrated database each test file's database is cloned from. */
export const TEMPLATE_DATABASE = 'relay_test_template';

/** `url` with its database name replaced. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
