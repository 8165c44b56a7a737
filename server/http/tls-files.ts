// The server's certificate and key (config `tls`): read and checked at start, then watched, so a
// renewed certificate (certbot, an internal CA's rotation) is served to new connections without a
// restart. Open connections keep the context they were made with, so no session drops. A file
// that does not load (half-written, wrong key) is logged and the previous certificate stays.
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { AgentDeskError } from '../../common/errors.js';
import type { TlsFiles } from '../config/config-file.js';
import { TLS_LIMITS } from '../limits.js';

/** Reads the PEM files and proves they make a context (the key matches the certificate). */
export function loadTlsFiles(files: TlsFiles): SecureContextOptions {
  let options: SecureContextOptions;
  try {
    options = {
      cert: readFileSync(files.cert),
      key: readFileSync(files.key),
      ...(files.ca ? { ca: readFileSync(files.ca) } : {}),
    };
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'error';
    throw new AgentDeskError('SERVER_TLS_FILES_UNUSABLE', `a TLS file cannot be read (${code}): cert ${files.cert}, key ${files.key}`, { cause: err });
  }
  try {
    createSecureContext(options);
  } catch (err) {
    // OpenSSL's reason ("key values mismatch", "no start line") names the problem, never the key.
    const reason = err instanceof Error ? err.message.slice(0, 200) : 'invalid';
    throw new AgentDeskError('SERVER_TLS_FILES_UNUSABLE', `the TLS files do not make a certificate and matching key (${reason}): cert ${files.cert}, key ${files.key}`, { cause: err });
  }
  return options;
}

/**
 * Watches the files by polling their stat (a rename over the file, as renewal tools do, is seen
 * too) and hands a freshly loaded context to `apply`. Returns the function that stops watching.
 */
export function watchTlsFiles(files: TlsFiles, apply: (options: SecureContextOptions) => void, logger: Logger): () => void {
  const paths = [files.cert, files.key, ...(files.ca ? [files.ca] : [])];
  const changed = (now: Stats, before: Stats): void => {
    if (now.mtimeMs === before.mtimeMs && now.ino === before.ino && now.size === before.size) return;
    try {
      apply(loadTlsFiles(files));
      logger.info({ cert: files.cert }, 'TLS certificate reloaded');
    } catch (err) {
      // Between writing the certificate and the key the pair does not match: the next change retries.
      const code = err instanceof AgentDeskError ? err.code : 'SERVER_TLS_FILES_UNUSABLE';
      logger.warn({ code, detail: err instanceof Error ? err.message : String(err) }, 'TLS files changed but do not load; the previous certificate is still served');
    }
  };
  for (const path of paths) watchFile(path, { interval: TLS_LIMITS.fileCheckIntervalMs, persistent: false }, changed);
  return () => {
    for (const path of paths) unwatchFile(path, changed);
  };
}
