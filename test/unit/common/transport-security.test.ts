import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPrivateTransport, isPrivateTransportUrl } from '../../../common/transport-security.js';
import { serverUrlSchema, providerSettingsSchema } from '../../../common/api.js';

describe('where the desktop may send secrets', () => {
  it('anywhere over TLS, in clear only to this machine', () => {
    for (const ok of ['https://cobrowse.example.com', 'wss://x.example/cb', 'http://127.0.0.1:8700', 'http://127.9.9.9', 'http://localhost', 'HTTP://LOCALHOST:1', 'http://[::1]:8700', 'ws://127.0.0.1:1']) {
      assert.equal(isPrivateTransportUrl(ok), true, ok);
      assert.equal(isPrivateTransport(new URL(ok)), true, ok);
    }
    for (const bad of ['http://cobrowse.example.com', 'http://10.0.0.5', 'http://[2001:db8::1]', 'http://[::ffff:127.0.0.1]', 'http://127.0.0.1.example.com', 'http://localhost.example.com', 'ws://x.example', 'ftp://127.0.0.1', 'http://user@example.com', 'nonsense']) {
      assert.equal(isPrivateTransportUrl(bad), false, bad);
      if (URL.canParse(bad)) assert.equal(isPrivateTransport(new URL(bad)), false, bad);
    }
  });

  it('is the rule of the settings schema for the server URL and providers', () => {
    assert.equal(serverUrlSchema.safeParse('http://cobrowse.example.com').success, false);
    assert.equal(serverUrlSchema.safeParse('https://cobrowse.example.com').success, true);
    const provider = { id: 'corp', label: 'Corp', issuer: 'http://sso.corp.example', clientId: 'agentdesk', scopes: ['openid'], redirect: 'auto' };
    const refused = providerSettingsSchema.safeParse(provider);
    assert.equal(refused.success, false);
    assert.match(refused.error!.issues[0]!.message, /https:\/\//);
    assert.equal(providerSettingsSchema.safeParse({ ...provider, issuer: 'https://sso.corp.example' }).success, true);
  });
});
