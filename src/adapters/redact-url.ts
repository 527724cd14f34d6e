/**
 * A connection string fit for a message or a log line: its password, if any, becomes `***`. Covers the
 * URL form (`postgres://user:pw@host/db`, `?password=pw`) and libpq's `key=value` form.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi, 'password=***');
  }
  if (!u.password && !u.searchParams.has('password')) return url;
  if (u.password) u.password = '***';
  if (u.searchParams.has('password')) u.searchParams.set('password', '***');
  return u.toString();
}
