/**
 * A URL safe to print: credentials and query-string values replaced, since endpoint URLs
 * often carry tokens (`https://hooks.example.com/x?token=…`).
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '<invalid url>';
  }
  if (url.username) url.username = '***';
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, '***');
  return url.toString();
}
