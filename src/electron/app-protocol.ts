// The app:// protocol that serves the renderer bundle (dist/renderer) to the main window, instead
// of file:// (which would give the page access to the whole disk's origin). Only GET/HEAD of files
// under the bundle's folder on the one host `agentdesk`; everything else is refused.
import { realpath, stat, readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.js';
import { APP_PROTOCOL_MAX_FILE_BYTES } from './limits.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'agentdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the main window loads. */
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * True for a URL of the renderer bundle. Compared by scheme and host: Node's URL gives
 * non-special schemes an opaque origin ("null"), unlike Chromium once `app` is registered standard.
 */
export function isAppUrl(raw: string): boolean {
  if (!URL.canParse(raw)) return false;
  const url = new URL(raw);
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}

/** Where a request points, before the file system is asked. */
export type AppRequestTarget =
  | { readonly ok: true; readonly relativePath: string }
  | { readonly ok: false; readonly status: 400 | 404 | 405; readonly reason: string };

/**
 * Maps an app:// URL to a path relative to the bundle folder, using only the URL. Refuses other
 * schemes and hosts, and any segment that could leave the folder once decoded (`..`, `.`,
 * encoded slashes or backslashes, NUL), even though URL parsing already folds plain `..`.
 */
export function resolveAppUrl(rawUrl: string, method = 'GET'): AppRequestTarget {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, reason: 'method not allowed' };
  if (!URL.canParse(rawUrl)) return { ok: false, status: 400, reason: 'not a URL' };
  if (!isAppUrl(rawUrl)) return { ok: false, status: 404, reason: 'unknown host' };
  const url = new URL(rawUrl);
  const segments: string[] = [];
  for (const raw of url.pathname.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'bad percent-encoding' };
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment) || /^[a-z]:/i.test(segment)) {
      return { ok: false, status: 400, reason: 'path outside the renderer bundle' };
    }
    segments.push(segment);
  }
  const path = segments.join('/');
  return { ok: true, relativePath: path === '' || path.endsWith('/') ? `${path}index.html` : path };
}

/** The response headers of every app:// answer. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-cache',
  };
}

function refusal(status: number, reason: string): Response {
  return new Response(`${status} ${reason}\n`, { status, headers: appResponseHeaders('text/plain; charset=utf-8') });
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * The `protocol.handle('app', …)` handler for the bundle in `rootDir`. A file is served only if
 * its real path (symbolic links followed) is still inside the real `rootDir`.
 */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const target = resolveAppUrl(request.url, request.method);
    if (!target.ok) return refusal(target.status, target.reason);
    // Resolved per request: the bundle may be rebuilt (or built late) while the app runs.
    const root = await realpath(rootDir).catch(() => null);
    if (root === null) return refusal(404, 'the renderer bundle is missing: run npm run build:renderer');
    let file: string;
    try {
      file = await realpath(join(root, ...target.relativePath.split('/')));
    } catch {
      return refusal(404, 'not found');
    }
    if (!inside(root, file)) return refusal(404, 'not found');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return refusal(404, 'not found');
    if (info.size > APP_PROTOCOL_MAX_FILE_BYTES) return refusal(404, 'not found');
    const headers = appResponseHeaders(CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers: { ...headers, 'content-length': String(info.size) } });
    return new Response(await readFile(file), { status: 200, headers });
  };
}
