import { calculatePKCECodeChallenge, randomPKCECodeVerifier } from 'openid-client';

/** RFC 7636 §4.1: 43 to 128 characters of the unreserved set. */
export const PKCE_VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

export interface PkcePair {
  /** Kept in memory only, for the token request of this one attempt. */
  readonly verifier: string;
  /** BASE64URL(SHA-256(verifier)), sent with code_challenge_method=S256 (the only method we use). */
  readonly challenge: string;
}

/** A fresh verifier from the CSPRNG (32 random bytes, 43 characters) and its S256 challenge. */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomPKCECodeVerifier();
  if (!PKCE_VERIFIER_PATTERN.test(verifier)) throw new Error('PKCE verifier outside RFC 7636 §4.1');
  return { verifier, challenge: await s256Challenge(verifier) };
}

export function s256Challenge(verifier: string): Promise<string> {
  return calculatePKCECodeChallenge(verifier);
}
