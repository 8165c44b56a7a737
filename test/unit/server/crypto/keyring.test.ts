import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyring, parseKeyring, rotateKeyring, serializeKeyring } from '../../../../server/crypto/keyring.js';

describe('keyring format', () => {
  it('round-trips several keys and the active one through the key file text', () => {
    const ring = rotateKeyring(rotateKeyring(createKeyring()));
    const parsed = parseKeyring(serializeKeyring(ring));
    assert.equal(parsed.activeId, ring.activeId);
    assert.equal(parsed.keys.size, 3);
    for (const [id, key] of ring.keys) assert.deepEqual(parsed.keys.get(id)?.key, key.key);
  });

  it('makes 128-bit keys with distinct ids', () => {
    const ring = rotateKeyring(createKeyring());
    const keys = [...ring.keys.values()];
    assert.equal(keys.length, 2);
    for (const k of keys) assert.equal(k.key.length, 16);
    assert.notEqual(keys[0]!.id, keys[1]!.id);
  });

  it('says what is wrong with a broken key file and never echoes key material', () => {
    const good = JSON.parse(serializeKeyring(createKeyring())) as { active: string; keys: { id: string; key: string }[] };
    const secret = good.keys[0]!.key;
    const cases: [string, RegExp][] = [
      ['{not json', /not JSON/],
      [JSON.stringify({ ...good, keys: [{ ...good.keys[0], key: Buffer.alloc(8).toString('base64') }] }), /keys\.0\.key/],
      [JSON.stringify({ ...good, active: 'ffffffffffffffff' }), /active key ffffffffffffffff/],
      [JSON.stringify({ ...good, keys: [good.keys[0], good.keys[0]] }), /appears twice/],
      [JSON.stringify({ ...good, extra: 1 }), /not valid/],
      [JSON.stringify({ ...good, version: 2 }), /version/],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => parseKeyring(text),
        (err: unknown) => err instanceof Error && expected.test(err.message) && !err.message.includes(secret),
        `for ${text.slice(0, 40)}`,
      );
    }
  });
});
