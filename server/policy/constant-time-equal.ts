import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret: fixed length, so digests can be compared with timingSafeEqual. */
export function secretDigest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares two secrets without leaking, through timing, where they differ or their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(secretDigest(a), secretDigest(b));
}

/** Compares a presented secret against a digest kept in memory instead of the secret itself. */
export function matchesDigest(value: string, digest: Buffer): boolean {
  return timingSafeEqual(secretDigest(value), digest);
}
