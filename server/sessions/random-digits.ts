import { randomBytes } from 'node:crypto';

/**
 * `length` decimal digits, each uniform from the CSPRNG. Bytes of 250 and above are rejected
 * (250 is the largest multiple of 10 that fits a byte), so no digit is favoured by modulo bias.
 */
export function randomDigits(length: number): string {
  let out = '';
  while (out.length < length) {
    const bytes = randomBytes(length - out.length + 8);
    for (const byte of bytes) {
      if (byte < 250 && out.length < length) out += String(byte % 10);
    }
  }
  return out;
}
