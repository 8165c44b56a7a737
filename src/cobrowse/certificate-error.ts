// A TLS certificate problem on the way to the co-browse server, in plain words for the agent. The
// connection is never made anyway (no option turns verification off); this only says why.
import type { ErrorCode } from '../../common/errors.js';

const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const WRONG_HOST = new Set(['ERR_TLS_CERT_ALTNAME_INVALID']);
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_REJECTED',
]);

/** The error code for a Node TLS error code, or null when it is not about the certificate. */
export function certificateError(code: string | undefined): ErrorCode | null {
  if (code === undefined) return null;
  if (EXPIRED.has(code)) return 'COBROWSE_CERT_EXPIRED';
  if (WRONG_HOST.has(code)) return 'COBROWSE_CERT_WRONG_HOST';
  if (UNTRUSTED.has(code)) return 'COBROWSE_CERT_UNTRUSTED';
  return null;
}
