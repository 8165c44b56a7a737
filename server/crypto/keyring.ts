// The keyring kept in the options key file: several AES-128 keys, one of them active. New values
// are sealed with the active key; values sealed with an older key stay readable while it is kept.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MAX_KEYS_PER_KEY_FILE } from '../config/limits.js';

export const AES_128_KEY_BYTES = 16;

export interface KeyringKey {
  /** Stored next to every ciphertext so the reader knows which key sealed it. */
  readonly id: string;
  readonly key: Buffer;
  readonly createdAt: string;
}

export interface Keyring {
  readonly activeId: string;
  readonly keys: ReadonlyMap<string, KeyringKey>;
}

const KEY_ID_PATTERN = /^[a-f0-9]{16}$/;

const keyFileSchema = z
  .object({
    format: z.literal('agentdesk-options-keyring'),
    version: z.literal(1),
    active: z.string().regex(KEY_ID_PATTERN),
    keys: z
      .array(
        z
          .object({
            id: z.string().regex(KEY_ID_PATTERN),
            // AES-128: 16 bytes, 24 base64 characters.
            key: z.base64().refine((b64) => Buffer.from(b64, 'base64').length === AES_128_KEY_BYTES, 'a key is 16 bytes'),
            createdAt: z.iso.datetime(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_KEYS_PER_KEY_FILE),
  })
  .strict();

function newKey(): KeyringKey {
  return { id: randomBytes(8).toString('hex'), key: randomBytes(AES_128_KEY_BYTES), createdAt: new Date().toISOString() };
}

export function createKeyring(): Keyring {
  const key = newKey();
  return { activeId: key.id, keys: new Map([[key.id, key]]) };
}

/** A new keyring with a fresh active key; the old keys stay so existing values can be read. */
export function rotateKeyring(ring: Keyring): Keyring {
  if (ring.keys.size >= MAX_KEYS_PER_KEY_FILE) {
    throw new RangeError(`a key file holds at most ${MAX_KEYS_PER_KEY_FILE} keys`);
  }
  const key = newKey();
  return { activeId: key.id, keys: new Map([...ring.keys, [key.id, key]]) };
}

/** The active key. A parsed keyring always has it; a hand-built one without it is a bug. */
export function activeKey(ring: Keyring): KeyringKey {
  const key = ring.keys.get(ring.activeId);
  if (!key) throw new Error(`the active key ${ring.activeId} is not in the keyring`);
  return key;
}

export function serializeKeyring(ring: Keyring): string {
  const body = {
    format: 'agentdesk-options-keyring',
    version: 1,
    active: ring.activeId,
    keys: [...ring.keys.values()].map((k) => ({ id: k.id, key: k.key.toString('base64'), createdAt: k.createdAt })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Parses a key file's text; the error says what is wrong without echoing key material. */
export function parseKeyring(text: string): Keyring {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('it is not JSON');
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the file';
    throw new Error(`${where} is not valid`);
  }
  const keys = new Map<string, KeyringKey>();
  for (const k of parsed.data.keys) {
    if (keys.has(k.id)) throw new Error(`key id ${k.id} appears twice`);
    keys.set(k.id, { id: k.id, key: Buffer.from(k.key, 'base64'), createdAt: k.createdAt });
  }
  if (!keys.has(parsed.data.active)) throw new Error(`the active key ${parsed.data.active} is not in the keys`);
  return { activeId: parsed.data.active, keys };
}
