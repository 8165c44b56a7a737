// The demo customer site (a small insurance claim form) on 127.0.0.1. Its pages load the
// co-browse snippet from the server whose URL the caller gives; that is the only change made to
// the files. Only the files of this folder are served; anything else is 404.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';

const SITE_DIR = import.meta.dirname;
const SERVER_PLACEHOLDER = /\{\{COBROWSE_SERVER\}\}/g;
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface CustomerSiteOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** The co-browse server's URL (http://host:port), asked for on every page so it may be set late. */
  readonly serverUrl: () => string;
  /** Extra HTML pages by path (tests: large pages, hostile markup); `{{COBROWSE_SERVER}}` is filled in. */
  readonly extraPages?: Readonly<Record<string, string>>;
}

export interface CustomerSite {
  /** e.g. http://127.0.0.1:8720/index.html */
  readonly url: string;
  /** What the browser sends as Origin: add it to the server's customerOrigins. */
  readonly origin: string;
  close(): Promise<void>;
}

export async function startCustomerSite(options: CustomerSiteOptions): Promise<CustomerSite> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(SITE_DIR)) {
    const type = TYPES[extname(name)];
    if (type && name !== 'serve-site.ts') files.set(`/${name}`, { body: readFileSync(join(SITE_DIR, name)), type });
  }
  for (const [path, html] of Object.entries(options.extraPages ?? {})) files.set(path, { body: Buffer.from(html), type: TYPES['.html']! });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = files.get(path === '/' ? '/index.html' : path);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    const body = file.type.startsWith('text/html') ? Buffer.from(file.body.toString('utf8').replace(SERVER_PLACEHOLDER, options.serverUrl())) : file.body;
    res.writeHead(200, { 'content-type': file.type, 'content-length': body.length, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/index.html`,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
