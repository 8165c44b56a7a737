// What both shells serve of the renderer bundle (dist/renderer), and how: the Electron shell over
// app:// (src/electron/app-protocol.ts), the browser shell over http://127.0.0.1
// (src/host/host-server.ts). One path check, one real-path check, one set of content types and
// response headers; each shell only adapts the answer to its transport.
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.js';
import { RENDERER_FILE_MAX_BYTES } from './limits.js';

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

/** The content type of a bundle file by its extension; null for a kind the bundle never holds. */
export function bundleContentType(path: string): string | null {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? null;
}

/**
 * The headers of every answer about the bundle, a file or a refusal. `no-store`: the bundle is on
 * this machine, so caching saves nothing, and a rebuilt bundle is picked up at the next load.
 */
export function bundleResponseHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

/** Where a request's path points inside the bundle, before the file system is asked. */
export type BundlePath = { readonly ok: true; readonly relativePath: string } | { readonly ok: false; readonly reason: string };

/**
 * Maps a URL's pathname to a path relative to the bundle folder. Refuses any segment that could
 * leave the folder once decoded (`..`, `.`, encoded slashes or backslashes, NUL, a drive letter),
 * even though URL parsing already folds plain `..`; `/` and a folder mean its index.html.
 */
export function bundlePath(pathname: string): BundlePath {
  const segments: string[] = [];
  for (const raw of pathname.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, reason: 'bad percent-encoding' };
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment) || /^[a-z]:/i.test(segment)) {
      return { ok: false, reason: 'path outside the renderer bundle' };
    }
    segments.push(segment);
  }
  const path = segments.join('/');
  return { ok: true, relativePath: path === '' || path.endsWith('/') ? `${path}index.html` : path };
}

/** A bundle file found for serving, or why not. */
export type BundleFile =
  | { readonly ok: true; readonly file: string; readonly size: number; readonly contentType: string }
  | { readonly ok: false; readonly reason: 'not-built' | 'not-found' };

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * The file at `relativePath` (from `bundlePath`) in the bundle at `rootDir`, served only if its
 * real path (symbolic links followed) is still inside the real `rootDir`, it is a regular file of
 * a known type and not larger than the limit. The root is resolved on every call: the bundle may
 * be rebuilt (or built late) while the shell runs.
 */
export async function findBundleFile(rootDir: string, relativePath: string): Promise<BundleFile> {
  const root = await realpath(rootDir).catch(() => null);
  if (root === null) return { ok: false, reason: 'not-built' };
  const file = await realpath(join(root, ...relativePath.split('/'))).catch(() => null);
  if (file === null) return { ok: false, reason: relativePath === 'index.html' ? 'not-built' : 'not-found' };
  const contentType = bundleContentType(file);
  if (!inside(root, file) || contentType === null) return { ok: false, reason: 'not-found' };
  const info = await stat(file).catch(() => null);
  if (!info?.isFile() || info.size > RENDERER_FILE_MAX_BYTES) return { ok: false, reason: 'not-found' };
  return { ok: true, file, size: info.size, contentType };
}
