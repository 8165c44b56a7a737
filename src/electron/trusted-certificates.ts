// The certificates the main process's own TLS (the co-browse socket) trusts: Node's bundled list
// plus the operating system's store, as Chromium (sign-in through net.fetch) and the system browser
// trust. Behind TLS inspection the inspecting CA is in the OS store, not in Node's list, and the
// NODE_OPTIONS fuse (rightly off) also disables NODE_EXTRA_CA_CERTS.
import * as tls from 'node:tls';

type CertificateSource = 'default' | 'system' | 'bundled' | 'extra';
type GetCACertificates = (type?: CertificateSource) => string[];

/** tls.getCACertificates (Node 22.15 / 23.10): Electron 45's Node has it; older Nodes fall back to Node's own list. */
export function trustedCertificates(
  getCACertificates: GetCACertificates | null = (tls as { getCACertificates?: GetCACertificates }).getCACertificates ?? null,
): readonly string[] | undefined {
  if (getCACertificates === null) return undefined;
  return [...new Set([...getCACertificates('default'), ...getCACertificates('system')])];
}
