// The Desktop port's network on Electron. Sign-in requests go through Chromium's network stack
// (ses.fetch): the system's proxy settings (PAC included, with the OS's proxy authentication) and
// certificate store, like the system browser. The co-browse socket (ws, Node's TLS) gets the
// proxy Chromium resolves for the server's URL, as a CONNECT tunnel, and the OS's certificates.
import type { Session } from 'electron';
import type { DesktopNetwork, SocketOptions } from '../desktop-port.js';
import { firstUsableRoute, proxyLookupUrl } from './proxy-list.js';
import { HttpsTunnelAgent, HttpTunnelAgent } from './proxy-tunnel.js';

export interface ElectronNetworkParts {
  /** An in-memory session of its own (main.ts): no cookies or cache shared with the renderer. */
  readonly session: Pick<Session, 'fetch' | 'resolveProxy'>;
  /** The certificates the socket's TLS trusts (trusted-certificates.ts), read once. */
  readonly certificates: () => readonly string[] | undefined;
}

export function createElectronNetwork(parts: ElectronNetworkParts): DesktopNetwork {
  let certificates: readonly string[] | undefined | null = null;
  const ca = (): readonly string[] | undefined => (certificates === null ? (certificates = parts.certificates()) : certificates);
  return {
    // Credentials omitted: a provider's cookies have no business in this app's sessions.
    fetch: (url, init) => parts.session.fetch(url, { ...init, credentials: 'omit', bypassCustomProtocolHandlers: true }),
    async socketOptions(url: string): Promise<SocketOptions> {
      const pac = await parts.session.resolveProxy(proxyLookupUrl(url));
      const route = firstUsableRoute(pac);
      const trusted = ca();
      const base: SocketOptions = trusted === undefined ? {} : { ca: trusted };
      if (route === null) throw new Error(`the system's proxy settings offer no route AgentDesk can use to the co-browse server (${pac.split(/\s/, 1)[0] ?? 'none'} only)`);
      if (route.kind === 'direct') return base;
      const tunnel = { proxy: { secure: route.kind === 'https', host: route.host, port: route.port }, ...(trusted === undefined ? {} : { ca: trusted }) };
      return { ...base, agent: new URL(url).protocol === 'wss:' ? new HttpsTunnelAgent(tunnel) : new HttpTunnelAgent(tunnel) };
    },
  };
}
