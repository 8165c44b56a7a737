import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expandPreset, GENESYS_CLOUD_REGIONS, presetSchema } from '../../../src/auth/presets.js';

describe('provider presets', () => {
  it('Genesys Cloud: login.<region domain>/oauth/authorize and /oauth/token, no discovery, users/me for the profile', () => {
    const e = expandPreset(presetSchema.parse({ type: 'genesys-cloud', region: 'eu-west-1' }));
    assert.deepEqual(e.server, {
      kind: 'explicit',
      issuer: 'https://login.mypurecloud.ie',
      authorizeUrl: 'https://login.mypurecloud.ie/oauth/authorize',
      tokenUrl: 'https://login.mypurecloud.ie/oauth/token',
      endSessionUrl: 'https://login.mypurecloud.ie/logout',
      profileUrl: 'https://api.mypurecloud.ie/api/v2/users/me',
    });
    assert.deepEqual(e.scopes, []);
  });

  it('Genesys Cloud: every region named in the issue is known, by region or by domain', () => {
    const domains = ['mypurecloud.com', 'mypurecloud.ie', 'mypurecloud.de', 'mypurecloud.jp', 'mypurecloud.com.au', 'usw2.pure.cloud', 'cac1.pure.cloud', 'euw2.pure.cloud', 'aps1.pure.cloud', 'apne2.pure.cloud', 'mec1.pure.cloud'];
    for (const domain of domains) {
      assert.ok(Object.values(GENESYS_CLOUD_REGIONS).includes(domain as never), domain);
      const e = expandPreset(presetSchema.parse({ type: 'genesys-cloud', region: domain }));
      assert.equal(e.server.kind === 'explicit' && e.server.authorizeUrl, `https://login.${domain}/oauth/authorize`);
    }
    assert.equal(presetSchema.safeParse({ type: 'genesys-cloud', region: 'evil.example.com' }).success, false);
  });

  it('Entra ID: the tenant v2.0 issuer; common/organizations/consumers are refused', () => {
    const e = expandPreset(presetSchema.parse({ type: 'entra-id', tenant: '11111111-2222-4333-8444-555555555555' }));
    assert.deepEqual(e.server, { kind: 'discovery', issuer: 'https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/v2.0' });
    assert.deepEqual(e.scopes, ['openid', 'email', 'profile', 'offline_access']);
    for (const tenant of ['common', 'organizations', 'Consumers']) {
      assert.equal(presetSchema.safeParse({ type: 'entra-id', tenant }).success, false, tenant);
    }
  });

  it('Auth0: issuer with the trailing slash, audience passed on the authorization request', () => {
    const e = expandPreset(presetSchema.parse({ type: 'auth0', domain: 'ACME.eu.auth0.com', audience: 'https://api.acme.example' }));
    assert.deepEqual(e.server, { kind: 'discovery', issuer: 'https://acme.eu.auth0.com/' });
    assert.deepEqual(e.authorizationParams, { audience: 'https://api.acme.example' });
  });

  it('Okta: org authorization server or a custom one', () => {
    assert.deepEqual(expandPreset(presetSchema.parse({ type: 'okta', domain: 'acme.okta.com' })).server, { kind: 'discovery', issuer: 'https://acme.okta.com' });
    assert.deepEqual(expandPreset(presetSchema.parse({ type: 'okta', domain: 'acme.okta.com', authorization_server: 'default' })).server, {
      kind: 'discovery',
      issuer: 'https://acme.okta.com/oauth2/default',
    });
    assert.equal(presetSchema.safeParse({ type: 'okta', domain: 'https://acme.okta.com' }).success, false);
  });

  it('Keycloak: the realm URL is the issuer; it must be https and end in /realms/<realm>', () => {
    assert.deepEqual(expandPreset(presetSchema.parse({ type: 'keycloak', realm_url: 'https://sso.corp.example/realms/agents/' })).server, {
      kind: 'discovery',
      issuer: 'https://sso.corp.example/realms/agents',
    });
    assert.equal(presetSchema.safeParse({ type: 'keycloak', realm_url: 'https://sso.corp.example/agents' }).success, false);
    assert.equal(presetSchema.safeParse({ type: 'keycloak', realm_url: 'http://sso.corp.example/realms/agents' }).success, false);
  });

  it('Google: accounts.google.com, loopback redirect, access_type=offline, a client secret expected', () => {
    const e = expandPreset(presetSchema.parse({ type: 'google' }));
    assert.deepEqual(e.server, { kind: 'discovery', issuer: 'https://accounts.google.com' });
    assert.equal(e.redirectMode, 'loopback');
    assert.deepEqual(e.authorizationParams, { access_type: 'offline' });
    assert.equal(e.expectsClientSecret, true);
    assert.ok(!e.scopes.includes('offline_access'));
  });
});

describe('preset support table', () => {
  it('docs/ARCHITECTURE.md shows exactly what src/auth/preset-support.ts says for every preset', async () => {
    const { readFileSync } = await import('node:fs');
    const { PRESET_SUPPORT } = await import('../../../src/auth/preset-support.js');
    const doc = readFileSync(new URL('../../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
    const cell = (c: { support: string; confirmed: boolean }) => (c.confirmed ? `${c.support} (confirmed)` : c.support);
    for (const [preset, s] of Object.entries(PRESET_SUPPORT)) {
      const row = `| \`${preset}\` | ${cell(s.refreshTokens)} | ${cell(s.revocation)} | ${cell(s.endSession)} | ${cell(s.issParameter)} |`;
      assert.ok(doc.includes(row), `docs/ARCHITECTURE.md lacks the row ${row}`);
    }
  });

  it('the Okta preset sends id_token_hint with end-session, the others do not unless set', async () => {
    const { parseProvidersFile } = await import('../../../src/auth/provider-config.js');
    const [okta, keycloak, overridden] = parseProvidersFile({
      providers: [
        { id: 'o', preset: { type: 'okta', domain: 'acme.okta.com' }, client_id: 'c' },
        { id: 'k', preset: { type: 'keycloak', realm_url: 'https://sso.example/realms/a' }, client_id: 'c' },
        { id: 'p', preset: { type: 'okta', domain: 'acme.okta.com' }, client_id: 'c', end_session_id_token_hint: false },
      ],
    });
    assert.equal(okta!.endSessionIdTokenHint, true);
    assert.equal(keycloak!.endSessionIdTokenHint, false);
    assert.equal(overridden!.endSessionIdTokenHint, false);
  });
});
