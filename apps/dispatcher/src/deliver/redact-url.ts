/**
 * An endpoint URL safe for logs and error messages: credentials and the query string
 * (where tokens often travel) are replaced, scheme, host and path are kept.
 */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    const auth = url.username || url.password ? '***@' : '';
    const query = url.search ? '?***' : '';
    return `${url.protocol}//${auth}${url.host}${url.pathname}${query}`;
  } catch {
    return '<invalid url>';
  }
}
