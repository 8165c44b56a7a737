import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyring, rotateKeyring } from '../../../../server/crypto/keyring.js';
import { OptionOpenError, openOption, sealOption, type SealedValue } from '../../../../server/crypto/option-cipher.js';

const TOKEN = '12345678901234567890123456';
const ctx = { name: 'slave.password', validUntil: null };

function flipBit(buf: Buffer, index: number): Buffer {
  const copy = Buffer.from(buf);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

function refused(fn: () => unknown, reason: 'unknown-key' | 'not-authentic'): void {
  assert.throws(fn, (err: unknown) => err instanceof OptionOpenError && err.reason === reason);
}

describe('AES-128-GCM option sealing', () => {
  const ring = createKeyring();

  it('opens what it sealed, under the same name', () => {
    const sealed = sealOption(ring, ctx, TOKEN);
    assert.equal(openOption(ring, ctx, sealed), TOKEN);
    assert.equal(sealed.keyId, ring.activeId);
    assert.equal(sealed.iv.length, 12);
    assert.equal(sealed.tag.length, 16);
  });

  it('draws a new IV for every write, so equal values never give equal ciphertexts', () => {
    const a = sealOption(ring, ctx, TOKEN);
    const b = sealOption(ring, ctx, TOKEN);
    assert.notDeepEqual(a.iv, b.iv);
    assert.notDeepEqual(a.ciphertext, b.ciphertext);
    assert.ok(!a.ciphertext.toString('latin1').includes(TOKEN));
  });

  it('refuses a ciphertext with any single bit flipped', () => {
    const sealed = sealOption(ring, ctx, TOKEN);
    for (let i = 0; i < sealed.ciphertext.length; i++) {
      refused(() => openOption(ring, ctx, { ...sealed, ciphertext: flipBit(sealed.ciphertext, i) }), 'not-authentic');
    }
  });

  it('refuses a flipped tag bit and a flipped IV bit', () => {
    const sealed = sealOption(ring, ctx, TOKEN);
    for (let i = 0; i < sealed.tag.length; i++) {
      refused(() => openOption(ring, ctx, { ...sealed, tag: flipBit(sealed.tag, i) }), 'not-authentic');
    }
    refused(() => openOption(ring, ctx, { ...sealed, iv: flipBit(sealed.iv, 0) }), 'not-authentic');
    refused(() => openOption(ring, ctx, { ...sealed, tag: sealed.tag.subarray(0, 12) }), 'not-authentic');
  });

  it('binds the option name and the grace end: a row moved or a grace stretched is refused', () => {
    const sealed = sealOption(ring, ctx, TOKEN);
    refused(() => openOption(ring, { name: 'slave.passwore', validUntil: null }, sealed), 'not-authentic');
    const previous = sealOption(ring, { name: 'slave.password#previous', validUntil: 1_000 }, TOKEN);
    assert.equal(openOption(ring, { name: 'slave.password#previous', validUntil: 1_000 }, previous), TOKEN);
    refused(() => openOption(ring, { name: 'slave.password#previous', validUntil: 1_001 }, previous), 'not-authentic');
    refused(() => openOption(ring, { name: 'slave.password#previous', validUntil: null }, previous), 'not-authentic');
  });

  it('refuses a value sealed with a key that is not in the keyring, naming the key id', () => {
    const other = createKeyring();
    const sealed: SealedValue = sealOption(other, ctx, TOKEN);
    assert.throws(
      () => openOption(ring, ctx, sealed),
      (err: unknown) => err instanceof OptionOpenError && err.reason === 'unknown-key' && err.message.includes(other.activeId),
    );
  });

  it('after a key rotation seals with the new key and still opens values sealed with the old one', () => {
    const old = sealOption(ring, ctx, TOKEN);
    const rotated = rotateKeyring(ring);
    assert.notEqual(rotated.activeId, ring.activeId);
    const fresh = sealOption(rotated, ctx, TOKEN);
    assert.equal(fresh.keyId, rotated.activeId);
    assert.equal(openOption(rotated, ctx, old), TOKEN);
    assert.equal(openOption(rotated, ctx, fresh), TOKEN);
    refused(() => openOption(ring, ctx, fresh), 'unknown-key');
  });
});
