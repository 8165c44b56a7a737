// Secrets are kept and compared as SHA-256 digests: fixed length, so timingSafeEqual applies, and
// a digest in memory or in a store is useless to whoever reads it.
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret. */
export function secretDigest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares a presented secret against a digest kept instead of the secret itself, in constant time. */
export function matchesDigest(value: string, digest: Buffer): boolean {
  return timingSafeEqual(secretDigest(value), digest);
}
