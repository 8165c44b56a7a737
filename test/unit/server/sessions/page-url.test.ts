import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pageUrl } from '../../../../server/sessions/page-url.js';

describe('pageUrl', () => {
  it('drops query, fragment and credentials, keeps the path', () => {
    assert.equal(pageUrl('https://user:pw@shop.test/claim/step-2?token=abc#card'), 'https://shop.test/claim/step-2');
  });
  it('refuses what is not an http(s) URL', () => {
    assert.equal(pageUrl('javascript:alert(1)'), null);
    assert.equal(pageUrl('not a url'), null);
    assert.equal(pageUrl('file:///etc/passwd'), null);
  });
});
