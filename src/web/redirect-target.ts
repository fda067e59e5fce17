// Control characters (C0, DEL and C1), white space and backslashes. Browsers drop tabs and line
// breaks from a URL and read a backslash as a slash (WHATWG URL), so `/<TAB>/evil.example` and
// `/\evil.example` both reach another host.
const UNSAFE_CHARACTERS = /[\p{Cc}\s\\]/u;

/**
 * Returns `target` as a path on `serverUrl`'s origin, safe to send in a `Location` header, or
 * null when it is not one. A target must start with exactly one `/` and contain no control
 * characters, white space or backslashes. The result is the path, query and fragment of the
 * parsed URL, percent-encoded, so it is ASCII and has no `.` or `..` segments left that a browser
 * could resolve to `//host`.
 */
export function sameOriginPath(target: string, serverUrl: string): string | null {
  if (!target.startsWith('/') || target.startsWith('//') || UNSAFE_CHARACTERS.test(target)) {
    return null;
  }
  let server: URL;
  let resolved: URL;
  try {
    server = new URL(serverUrl);
    resolved = new URL(target, server);
  } catch {
    return null;
  }
  // Removing dot segments can leave an empty first segment: `/a/../..//evil.example` resolves to
  // the path `//evil.example`, which a browser reads as another host.
  if (resolved.origin !== server.origin || resolved.pathname.startsWith('//')) return null;

  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/**
 * Returns the path to redirect to after a form: `target` when `sameOriginPath` accepts it,
 * else `fallback`. Every redirect to a target that a request supplies goes through here.
 */
export function redirectTargetOr(target: unknown, serverUrl: string, fallback: string): string {
  if (typeof target !== 'string') return fallback;

  return sameOriginPath(target, serverUrl) ?? fallback;
}
