// GET /cobrowse/snippet.js: the built customer snippet, read from disk (re-read when the build
// changes it), with an ETag and a short public cache. Any site may load it with a script tag.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { sendError } from './responses.js';

interface Cached {
  readonly mtimeMs: number;
  readonly body: Buffer;
  readonly etag: string;
}

export function createSnippetRoute(file: string, maxAgeSec: number): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  let cached: Cached | null = null;
  return async (req, res) => {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(file)).mtimeMs;
    } catch {
      sendError(res, 503, 'SNIPPET_NOT_BUILT');
      return;
    }
    if (!cached || cached.mtimeMs !== mtimeMs) {
      const body = await readFile(file);
      cached = { mtimeMs, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    const headers = {
      'cache-control': `public, max-age=${maxAgeSec}`,
      etag: cached.etag,
      'x-content-type-options': 'nosniff',
      // Loadable from any customer site, also pages with COEP, and with a crossorigin attribute (SRI).
      'cross-origin-resource-policy': 'cross-origin',
      'access-control-allow-origin': '*',
    };
    if (req.headers['if-none-match'] === cached.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8', 'content-length': cached.body.length });
    res.end(cached.body);
  };
}
