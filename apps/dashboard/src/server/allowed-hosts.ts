import { isIP } from 'node:net';

/**
 * Which `Host` headers the dashboard answers, for a server listening on `listenHost`.
 *
 * A page on another site can point its own name at 127.0.0.1 (DNS rebinding) and then read the
 * dashboard as if it were its own origin; its requests still carry that name in `Host`. So only
 * names that no one else can point here are answered: `localhost`, 127.0.0.0/8 and `[::1]` (with
 * or without a port), and the address or name the server was told to listen on. A wildcard
 * address (`0.0.0.0`, `::`) names every address of this machine, so then any IP address is
 * answered too: a page cannot rebind a literal address, only a name.
 */
export function hostAllower(listenHost: string): (header: string | undefined) => boolean {
  const own = hostnameOf(listenHost.includes(':') ? `[${unbracket(listenHost)}]` : listenHost);
  const wildcard = own === '0.0.0.0' || own === '[::]';
  return (header) => {
    const hostname = header === undefined ? undefined : hostnameOf(header);
    if (hostname === undefined) return false;
    if (isLoopback(hostname) || hostname === own) return true;
    return wildcard && isIP(unbracket(hostname)) !== 0;
  };
}

/** Whether a hostname (as {@link hostnameOf} gives it) can only mean this machine. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * The hostname of a `Host` header, lower case and normalised as a browser would (`127.1` is
 * `127.0.0.1`), IPv6 in brackets; undefined for anything that is not a plain `host[:port]`.
 */
function hostnameOf(header: string): string | undefined {
  // Checked before parsing: a URL parser would read `evil@localhost` as the host localhost.
  if (!/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(header)) return undefined;
  try {
    return new URL(`http://${header}/`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
