import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentDeskError } from '../../common/errors.js';
import { LOOPBACK_HEADERS_TIMEOUT_MS } from '../limits.js';
import type { AuthLogger } from './auth-logger.js';

/** A listener on the loopback interface for one sign-in attempt (RFC 8252 §7.3). */
export interface LoopbackReceiver {
  /** e.g. http://127.0.0.1:49152/oauth/callback/acme */
  readonly redirectUri: string;
  close(): Promise<void>;
}

export interface LoopbackReceiverOptions {
  /** The service's single callback entry point; resolves when the sign-in completed. */
  readonly onCallback: (url: string) => Promise<void>;
  readonly logger: AuthLogger;
  /** The provider's callback path (provider-config.ts loopbackCallbackPath). */
  readonly path: string;
  /** A fixed port registered with a provider that compares redirect URIs exactly; 0 or absent: ephemeral. */
  readonly port?: number;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p><p>Return to AgentDesk. You can close this tab.</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    // The URL of this page carries the authorization code: keep it out of caches and referrers.
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
    // One response per connection, so closing the listener never waits on a kept-alive socket.
    connection: 'close',
  });
  res.end(html);
}

async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Opens the listener on 127.0.0.1 (then ::1), on an ephemeral port (or the fixed one, on 127.0.0.1 only), just before the request. */
export async function openLoopbackReceiver(options: LoopbackReceiverOptions): Promise<LoopbackReceiver> {
  let origin = '';
  let expectedHost = '';
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    // Another site cannot reach this listener under its own host name (DNS rebinding).
    if (req.headers.host !== expectedHost) return page(res, 400, 'Wrong address', 'This address only answers sign-in responses.');
    const url = new URL(req.url ?? '/', origin);
    if (req.method !== 'GET' || url.pathname !== options.path) return page(res, 404, 'Not found', 'This address only answers sign-in responses.');
    options.onCallback(`${origin}${req.url ?? ''}`).then(
      () => page(res, 200, 'You are signed in to AgentDesk', 'The sign-in finished.'),
      (err: unknown) => {
        const message = err instanceof AgentDeskError ? err.message : 'The sign-in did not finish.';
        page(res, 400, 'AgentDesk sign-in did not finish', message);
      },
    );
  };
  const fixedPort = options.port ?? 0;
  // A fixed port was registered as http://127.0.0.1:<port>/...: ::1 would be another URI.
  const attempts: readonly { host: string; uriHost: string }[] =
    fixedPort !== 0
      ? [{ host: '127.0.0.1', uriHost: '127.0.0.1' }]
      : [
          { host: '127.0.0.1', uriHost: '127.0.0.1' },
          { host: '::1', uriHost: '[::1]' },
        ];
  for (const attempt of attempts) {
    const server = createServer(handle);
    server.headersTimeout = LOOPBACK_HEADERS_TIMEOUT_MS;
    server.requestTimeout = LOOPBACK_HEADERS_TIMEOUT_MS;
    try {
      const address = await listen(server, attempt.host, fixedPort);
      origin = `http://${attempt.uriHost}:${address.port}`;
      expectedHost = `${attempt.uriHost}:${address.port}`;
      options.logger.debug({ host: attempt.host, port: address.port }, 'loopback receiver listening');
      return {
        redirectUri: `${origin}${options.path}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            // Let the response to the callback finish, then drop what remains (browser keep-alive).
            setImmediate(() => server.closeIdleConnections());
          }),
      };
    } catch (err) {
      options.logger.debug({ host: attempt.host, error: (err as Error).message }, 'loopback listen failed');
    }
  }
  throw fixedPort !== 0
    ? new AgentDeskError('LOOPBACK_UNAVAILABLE', `AgentDesk could not open the local address 127.0.0.1:${fixedPort} to receive the sign-in response (another program may be using this port).`)
    : new AgentDeskError('LOOPBACK_UNAVAILABLE');
}
