// An administrator's CA file (a contact center's internal certificate authority): PEM
// certificates the co-browse socket trusts in addition to the built-in list and the OS store.
// Read once at start; a file that does not hold CA certificates stops the app with a coded error
// instead of silently trusting nothing more (or anything).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { AgentDeskError } from '../common/errors.js';

/** At most this many bytes: a bundle of a few dozen CA certificates is far smaller. */
const MAX_CA_FILE_BYTES = 1024 * 1024;

export function readTrustedCaFile(path: string): string[] {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_CA_FILE_BYTES) throw new AgentDeskError('CA_FILE_UNUSABLE', `${path} is larger than ${MAX_CA_FILE_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof AgentDeskError) throw err;
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'error';
    throw new AgentDeskError('CA_FILE_UNUSABLE', `${path} cannot be read (${code})`, { cause: err });
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new AgentDeskError('CA_FILE_UNUSABLE', `${path} holds no PEM certificate`);
  for (const [i, pem] of blocks.entries()) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch (err) {
      throw new AgentDeskError('CA_FILE_UNUSABLE', `${path}: certificate ${i + 1} cannot be parsed`, { cause: err });
    }
    // A server certificate in a CA file would make that one server trusted for any name it holds.
    if (!cert.ca) throw new AgentDeskError('CA_FILE_UNUSABLE', `${path}: certificate ${i + 1} (${cert.subject.replace(/\n/g, ', ')}) is not a CA certificate`);
  }
  return blocks;
}

/** The list the socket's TLS trusts: `base` (or Node's built-in list when absent) plus the administrator's CAs. */
export function withTrustedCaFile(base: readonly string[] | undefined, extra: readonly string[]): readonly string[] | undefined {
  if (extra.length === 0) return base;
  return [...new Set([...(base ?? rootCertificates), ...extra])];
}
