// The app:// protocol that serves the renderer bundle (dist/renderer) to the main window, instead
// of file:// (which would give the page access to the whole disk's origin). Only GET/HEAD of files
// under the bundle's folder on the one host `agentdesk`; everything else is refused. What is served
// and with which headers is src/renderer-bundle/bundle-files.ts, shared with the browser shell.
import { readFile } from 'node:fs/promises';
import { POP_OUT_SEARCH } from '../../common/api.js';
import { bundlePath, bundleResponseHeaders, findBundleFile } from '../renderer-bundle/bundle-files.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'agentdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the main window loads. */
export const APP_START_URL = `${APP_ORIGIN}/index.html`;
/** What the pop-out window (the live mirror in its own window) loads: the same page on its route. */
export const APP_POP_OUT_URL = `${APP_START_URL}${POP_OUT_SEARCH}`;

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
  const path = bundlePath(new URL(rawUrl).pathname);
  return path.ok ? path : { ok: false, status: 400, reason: path.reason };
}

function refusal(status: number, reason: string): Response {
  return new Response(`${status} ${reason}\n`, { status, headers: bundleResponseHeaders('text/plain; charset=utf-8') });
}

/**
 * The `protocol.handle('app', …)` handler for the bundle in `rootDir`. A file is served only if
 * its real path (symbolic links followed) is still inside the real `rootDir`.
 */
export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const target = resolveAppUrl(request.url, request.method);
    if (!target.ok) return refusal(target.status, target.reason);
    const found = await findBundleFile(rootDir, target.relativePath);
    if (!found.ok) return refusal(404, found.reason === 'not-built' ? 'the renderer bundle is missing: run npm run build:renderer' : 'not found');
    const headers = bundleResponseHeaders(found.contentType);
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers: { ...headers, 'content-length': String(found.size) } });
    return new Response(await readFile(found.file), { status: 200, headers });
  };
}
