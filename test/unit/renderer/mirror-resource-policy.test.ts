import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mirrorPolicy, resourceOrigins } from '../../../renderer/mirror-resource-policy.js';
import { parseContentSecurityPolicy } from '../../../src/renderer-bundle/content-security-policy.js';

describe("the mirror's resource policy", () => {
  it('keeps only well-formed http(s) origins: nothing that could add a directive or a path', () => {
    assert.deepEqual(
      resourceOrigins([
        'https://shop.example',
        'https://cdn.example:8443',
        null,
        'https://shop.example',
        "https://a.example; img-src *",
        'https://b.example/path',
        'javascript:alert(1)',
        '*',
        'data:',
      ]),
      ['https://shop.example', 'https://cdn.example:8443'],
    );
  });

  it('allows resources from those origins (and inline data) only; no script, frame, connection or form', () => {
    const policy = parseContentSecurityPolicy(mirrorPolicy(['https://shop.example', 'https://cdn.example']));
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('img-src'), ['https://shop.example', 'https://cdn.example', 'data:', 'blob:']);
    assert.deepEqual(policy.get('font-src'), ['https://shop.example', 'https://cdn.example', 'data:']);
    assert.deepEqual(policy.get('style-src'), ['https://shop.example', 'https://cdn.example', "'unsafe-inline'"]);
    for (const name of ['script-src', 'frame-src', 'connect-src', 'object-src', 'form-action']) assert.deepEqual(policy.get(name), ["'none'"], name);
  });

  it('without any origin, only inline data loads', () => {
    assert.deepEqual(parseContentSecurityPolicy(mirrorPolicy([])).get('img-src'), ['data:', 'blob:']);
  });
});
