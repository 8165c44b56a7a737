// The client's address as every per-address limit and log line uses it. Behind a proxy the socket
// address is the proxy's: X-Forwarded-For is read (with proxy-addr, Express's parser) only when
// the peer is one of `trustedProxies`, walking back through trusted hops only, so a client cannot
// forge its address by sending the header itself. (The RFC 7239 `Forwarded` header is not read:
// haproxy and nginx both send X-Forwarded-For, docs/DEPLOYMENT.md.)
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import proxyAddr from 'proxy-addr';

export interface ClientAddresses {
  /** The client address of a request (its socket's peer unless that peer is a trusted proxy). */
  of(req: IncomingMessage): string;
  /** Whether a socket peer is a trusted proxy (its connections carry many clients). */
  isTrustedPeer(address: string): boolean;
}

/** Throws (with the entry named) when an entry is not an IP address or CIDR; the config checks first. */
export function clientAddresses(trustedProxies: readonly string[]): ClientAddresses {
  if (trustedProxies.length === 0) {
    return { of: (req) => req.socket.remoteAddress ?? 'unknown', isTrustedPeer: () => false };
  }
  const trust = proxyAddr.compile([...trustedProxies]);
  return {
    of: (req) => proxyAddr(req, trust),
    isTrustedPeer: (address) => trust(address, 0),
  };
}

/** Whether proxy-addr accepts `entry` as an address or CIDR (IPv4 or IPv6). */
export function isValidProxyEntry(entry: string): boolean {
  try {
    proxyAddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

/**
 * The key per-address limits count under: IPv4 as is (IPv4-mapped IPv6 unwrapped); IPv6 by its
 * /64, because one subscriber usually gets a whole /64 and could rotate through it at will.
 */
export function limitKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
