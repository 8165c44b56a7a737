// AES-128-GCM sealing of option values. Each write draws a fresh 96-bit IV; the 128-bit tag
// authenticates the ciphertext, the option name and, for a rotated-out value, the end of its grace
// (bound as additional authenticated data). A value copied onto another option's row, a grace
// stretched by editing the database, or any altered bit is refused.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { activeKey, type Keyring } from './keyring.js';

const ALGORITHM = 'aes-128-gcm';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export interface SealedValue {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

export type OpenFailure = 'unknown-key' | 'not-authentic';

export class OptionOpenError extends Error {
  constructor(
    readonly reason: OpenFailure,
    readonly optionName: string,
    readonly keyId: string,
    options?: { cause?: unknown },
  ) {
    super(
      reason === 'unknown-key'
        ? `option ${optionName} was sealed with key ${keyId}, which the key file does not have`
        : `option ${optionName} failed authentication (altered data or a different key)`,
      options,
    );
    this.name = 'OptionOpenError';
  }
}

/** What the tag binds besides the ciphertext: the row's name and, when it has one, its expiry. */
export interface OptionContext {
  readonly name: string;
  /** ms since the epoch; null for a value that does not expire. */
  readonly validUntil: number | null;
}

function aad(ctx: OptionContext): Buffer {
  const expiry = ctx.validUntil === null ? '' : `\0valid-until:${ctx.validUntil}`;
  return Buffer.from(`agentdesk-option:${ctx.name}${expiry}`, 'utf8');
}

export function sealOption(ring: Keyring, ctx: OptionContext, plaintext: string): SealedValue {
  const key = activeKey(ring);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(ctx));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: key.id, iv, tag: cipher.getAuthTag(), ciphertext };
}

export function openOption(ring: Keyring, ctx: OptionContext, sealed: SealedValue): string {
  const key = ring.keys.get(sealed.keyId);
  if (!key) throw new OptionOpenError('unknown-key', ctx.name, sealed.keyId);
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) {
    throw new OptionOpenError('not-authentic', ctx.name, sealed.keyId);
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key.key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(ctx));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new OptionOpenError('not-authentic', ctx.name, sealed.keyId, { cause });
  }
}
