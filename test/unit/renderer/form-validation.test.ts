import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkAgentToken, checkProviders, checkServerUrl, checkSessionCode, type ProviderDraft } from '../../../renderer/form-validation.js';
import { ERROR_MESSAGES } from '../../../common/errors.js';

const draft: ProviderDraft = { id: 'company', label: 'Company sign-in', issuer: 'https://login.example.com', clientId: 'agentdesk', scopes: 'openid  email ', redirect: 'auto' };

describe('Session code field', () => {
  it('accepts 9 digits as typed or read out', () => {
    assert.deepEqual(checkSessionCode('123456789'), { ok: true, value: '123456789' });
    assert.deepEqual(checkSessionCode(' 123 456 789 '), { ok: true, value: '123456789' });
    assert.deepEqual(checkSessionCode('123-456-789'), { ok: true, value: '123456789' });
  });

  it('explains what a code looks like otherwise', () => {
    for (const bad of ['', '12345', '1234567890', 'abcdefghi', '12345678O']) {
      assert.deepEqual(checkSessionCode(bad), { ok: false, message: 'A session code is 9 digits. Check the code the customer read out and try again.' }, bad);
    }
  });
});

describe('Co-browse server URL field', () => {
  it('accepts http(s) URLs and an empty field (no server)', () => {
    assert.deepEqual(checkServerUrl('https://cobrowse.example.com'), { ok: true, value: 'https://cobrowse.example.com' });
    assert.deepEqual(checkServerUrl('  '), { ok: true, value: null });
  });

  it('refuses plain http to another machine, saying why; http to this machine is accepted', () => {
    for (const bad of ['http://cobrowse.example.com', 'http://10.0.0.5:8700/cb']) {
      assert.deepEqual(checkServerUrl(bad), { ok: false, message: ERROR_MESSAGES.SERVER_URL_INSECURE }, bad);
    }
    assert.deepEqual(checkServerUrl('http://127.0.0.1:8700'), { ok: true, value: 'http://127.0.0.1:8700' });
    assert.deepEqual(checkServerUrl('http://localhost:8700'), { ok: true, value: 'http://localhost:8700' });
  });

  it('rejects anything else with the documented message', () => {
    for (const bad of ['cobrowse.example.com', 'ftp://x', 'https://a:b@x.example', 'https://x.example/?q']) {
      assert.deepEqual(checkServerUrl(bad), { ok: false, message: ERROR_MESSAGES.SERVER_URL_INVALID }, bad);
    }
  });
});

describe('Agent token field', () => {
  it('accepts 26 digits, trimming a pasted line break', () => {
    assert.deepEqual(checkAgentToken('01234567890123456789012345\n'), { ok: true, value: '01234567890123456789012345' });
  });

  it('rejects 25 or 27 digits and letters', () => {
    for (const bad of ['0123456789012345678901234', '012345678901234567890123456', '0123456789012345678901234x', '']) {
      assert.deepEqual(checkAgentToken(bad), { ok: false, message: 'An agent token is exactly 26 digits. Copy it again from your administrator.' });
    }
  });
});

describe('Sign-in providers', () => {
  it('turns drafts into provider settings, splitting scopes', () => {
    assert.deepEqual(checkProviders([draft]), { ok: true, value: [{ ...draft, scopes: ['openid', 'email'] }] });
    assert.deepEqual(checkProviders([]), { ok: true, value: [] });
  });

  it('names the provider and the field that is wrong', () => {
    const r = checkProviders([draft, { ...draft, id: 'other', clientId: ' ' }]);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /^Provider 2, Client ID: a provider needs a client ID\. /);
    const issuer = checkProviders([{ ...draft, issuer: 'login.example.com' }]);
    assert.match(issuer.ok ? '' : issuer.message, /^Provider 1, Issuer URL: /);
  });

  it('refuses the same ID twice', () => {
    const r = checkProviders([draft, { ...draft, label: 'Again' }]);
    assert.match(r.ok ? '' : r.message, /^Provider 2, ID: "company" is used twice\./);
  });
});
