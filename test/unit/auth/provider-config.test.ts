import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDeskError } from '../../../common/errors.js';
import { DEFAULT_CUSTOM_SCHEME_REDIRECT, loadProvidersFile, parseProvidersFile, providerFromSettings } from '../../../src/auth/provider-config.js';

function refusal(value: unknown): string {
  try {
    parseProvidersFile(value);
  } catch (err) {
    assert.ok(err instanceof AgentDeskError);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

const base = { id: 'acme', issuer: 'https://idp.acme.example', client_id: 'agentdesk' };

describe('providers file', () => {
  it('loads the documented example file (docs/examples/providers.json)', async () => {
    const providers = await loadProvidersFile(new URL('../../../docs/examples/providers.json', import.meta.url).pathname);
    assert.deepEqual(
      providers.map((p) => p.id),
      ['genesys-euw2', 'contoso-entra', 'acme-auth0', 'acme-okta', 'corp-keycloak', 'google', 'in-house'],
    );
    const google = providers.find((p) => p.id === 'google')!;
    assert.equal(google.redirect.mode, 'loopback');
    assert.equal(google.clientSecret, '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p');
    assert.equal(providers.find((p) => p.id === 'acme-okta')!.sharedWorkstation, true);
    const genesys = providers.find((p) => p.id === 'genesys-euw2')!;
    assert.equal(genesys.oidc, false);
    assert.equal(genesys.server.kind === 'explicit' && genesys.server.tokenUrl, 'https://login.euw2.pure.cloud/oauth/token');
  });

  it('fills defaults: OIDC scopes, a custom-scheme redirect of its own com.agentdesk.desktop:/oauth/callback/<id>, label = id', () => {
    const [p] = parseProvidersFile({ providers: [base] });
    assert.deepEqual(p!.scopes, ['openid', 'email', 'profile', 'offline_access']);
    assert.equal(p!.oidc, true);
    assert.deepEqual(p!.redirect, { mode: 'custom-scheme', customSchemeUri: `${DEFAULT_CUSTOM_SCHEME_REDIRECT}/acme`, loopbackPath: '/oauth/callback/acme', loopbackPort: null });
    assert.equal(p!.label, 'acme');
    assert.equal(p!.clientSecret, null);
    assert.deepEqual(p!.server, { kind: 'discovery', issuer: 'https://idp.acme.example' });
  });

  it('gives every provider its own redirect and refuses two providers sharing one', () => {
    const [a, b] = parseProvidersFile({ providers: [base, { ...base, id: 'other' }] });
    assert.notEqual(a!.redirect.customSchemeUri, b!.redirect.customSchemeUri);
    assert.notEqual(a!.redirect.loopbackPath, b!.redirect.loopbackPath);
    const shared = { mode: 'custom-scheme', uri: 'com.agentdesk.desktop:/oauth/callback' };
    assert.match(refusal({ providers: [{ ...base, redirect: shared }, { ...base, id: 'other', redirect: shared }] }), /providers\[1\]\.redirect\.uri: provider "acme" has the same redirect URI/);
  });

  it('takes a fixed loopback port for providers that compare redirect URIs exactly, and a shared-workstation switch for the whole file', () => {
    const [p] = parseProvidersFile({ shared_workstation: true, providers: [{ ...base, redirect: { mode: 'loopback', loopback_port: 53682 } }] });
    assert.equal(p!.redirect.loopbackPort, 53682);
    assert.equal(p!.sharedWorkstation, true);
    assert.match(refusal({ providers: [{ ...base, redirect: { mode: 'loopback', loopback_port: 80 } }] }), /providers\[0\]\.redirect\.loopback_port: loopback_port must be 1024-65535/);
  });

  it('names the bad field in the message', () => {
    assert.match(refusal({ providers: [{ ...base, client_id: '' }] }), /providers\[0\]\.client_id/);
    assert.match(refusal({ providers: [base, { ...base, issuer: 'http://idp.acme.example' }] }), /providers\[1\]\.issuer: must be an https:\/\/ URL/);
    assert.match(refusal({ providers: [{ ...base, redirect: { mode: 'custom-scheme', uri: 'myapp://callback' } }] }), /providers\[0\]\.redirect\.uri: must be a reverse-DNS/);
    assert.match(refusal({ providers: [{ ...base, redirect: { mode: 'embedded' } }] }), /providers\[0\]\.redirect\.mode/);
    assert.match(refusal({ providers: [{ ...base, colour: 'blue' }] }), /providers\[0\]/);
    assert.match(refusal({ providers: [base, base] }), /providers\[1\]\.id: the provider ID "acme" is used twice/);
    assert.match(refusal({ providers: [] }), /providers: list at least one provider/);
    assert.match(refusal({ providers: [{ id: 'x', client_id: 'c' }] }), /providers\[0\]\.issuer: a provider needs an issuer/);
    assert.match(refusal({ providers: [{ id: 'x', client_id: 'c', token_url: 'https://a.example/token' }] }), /providers\[0\]\.authorize_url/);
    assert.match(refusal({ providers: [{ id: 'x', client_id: 'c', authorize_url: 'https://a.example/a', token_url: 'https://a.example/t' }] }), /providers\[0\]\.jwks_uri/);
    assert.match(refusal({ providers: [{ ...base, preset: { type: 'google' } }] }), /providers\[0\]\.preset: use either a preset/);
    assert.match(refusal({ providers: [{ ...base, authorization_params: { state: 'fixed' } }] }), /providers\[0\]\.authorization_params/);
    assert.match(refusal({ providers: [{ ...base, id: 'Bad ID' }] }), /providers\[0\]\.id/);
  });

  it('allows plain http only for a provider on this machine', () => {
    const [p] = parseProvidersFile({ providers: [{ ...base, issuer: 'http://127.0.0.1:8080' }] });
    assert.equal(p!.server.kind === 'discovery' && p!.server.issuer, 'http://127.0.0.1:8080');
    assert.match(refusal({ providers: [{ ...base, issuer: 'http://10.0.0.1' }] }), /issuer/);
  });

  it('explicit endpoints without an issuer use the authorization server origin as issuer, and no ID token', () => {
    const [p] = parseProvidersFile({ providers: [{ id: 'x', client_id: 'c', authorize_url: 'https://a.example/oauth/authorize', token_url: 'https://a.example/oauth/token', scopes: ['read'] }] });
    assert.equal(p!.oidc, false);
    assert.equal(p!.server.kind === 'explicit' && p!.server.issuer, 'https://a.example');
  });

  it('refuses a file that is missing, not JSON or too large, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agentdesk-config-'));
    const missing = join(dir, 'nope.json');
    await assert.rejects(loadProvidersFile(missing), (err: AgentDeskError) => err.code === 'CONFIG_INVALID' && err.message.includes(missing));
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"providers": [');
    await assert.rejects(loadProvidersFile(broken), (err: AgentDeskError) => err.code === 'CONFIG_INVALID' && /not valid JSON/.test(err.message));
    const huge = join(dir, 'huge.json');
    await writeFile(huge, ' '.repeat(300 * 1024));
    await assert.rejects(loadProvidersFile(huge), (err: AgentDeskError) => err.code === 'CONFIG_INVALID' && /larger than/.test(err.message));
  });

  it('turns a Settings-screen provider into the same validated form', () => {
    const p = providerFromSettings({ id: 'acme', label: 'ACME', issuer: 'https://idp.acme.example', clientId: 'agentdesk', scopes: ['openid', 'email'], redirect: 'loopback' });
    assert.equal(p.label, 'ACME');
    assert.deepEqual(p.scopes, ['openid', 'email']);
    assert.equal(p.redirect.mode, 'loopback');
  });
});
