import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClientError } from 'openid-client';
import { AgentDeskError } from '../../../common/errors.js';
import { codeForOAuthError, createProviderClient, toAuthError } from '../../../src/auth/provider-client.js';
import { parseProvidersFile } from '../../../src/auth/provider-config.js';

describe('provider errors as product codes', () => {
  it('maps OAuth error values', () => {
    assert.equal(codeForOAuthError('invalid_grant'), 'INVALID_GRANT');
    assert.equal(codeForOAuthError('access_denied'), 'ACCESS_DENIED');
    assert.equal(codeForOAuthError('invalid_client'), 'CLIENT_REJECTED');
    assert.equal(codeForOAuthError('unauthorized_client'), 'CLIENT_REJECTED');
    assert.equal(codeForOAuthError('temporarily_unavailable'), 'PROVIDER_UNREACHABLE');
    assert.equal(codeForOAuthError('something_new'), 'PROVIDER_ERROR');
  });

  it('maps network failures and timeouts to PROVIDER_UNREACHABLE, keeping only a sanitized cause', () => {
    const netErr = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    const e = toAuthError(netErr, 'token');
    assert.equal(e.code, 'PROVIDER_UNREACHABLE');
    assert.match((e.cause as Error).message, /^token: TypeError: fetch failed/);
    const timeout = new ClientError('operation timed out', { cause: new Error('x'), code: 'OAUTH_TIMEOUT' } as ErrorOptions);
    assert.equal(toAuthError(timeout, 'refresh').code, 'PROVIDER_UNREACHABLE');
  });

  it('never copies a library error\'s cause (which can hold a token response) into the product error', () => {
    const leaky = new ClientError('unexpected JWT claim value encountered', { cause: { body: { access_token: 'SECRET-TOKEN' } }, code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' } as ErrorOptions);
    const e = toAuthError(leaky, 'token');
    assert.equal(e.code, 'ID_TOKEN_INVALID');
    assert.ok(!JSON.stringify({ message: e.message, cause: (e.cause as Error).message }).includes('SECRET-TOKEN'));
  });

  it('passes product errors through unchanged', () => {
    const original = new AgentDeskError('ISSUER_MISMATCH');
    assert.equal(toAuthError(original, 'token'), original);
  });

  it('builds an explicit-endpoint configuration without any network access', async () => {
    const [provider] = parseProvidersFile({ providers: [{ id: 'x', client_id: 'c', authorize_url: 'https://a.example/oauth/authorize', token_url: 'https://a.example/oauth/token', revocation_url: 'https://a.example/oauth/revoke', scopes: ['read'] }] });
    const config = await createProviderClient(provider!);
    const md = config.serverMetadata();
    assert.equal(md.issuer, 'https://a.example');
    assert.equal(md.token_endpoint, 'https://a.example/oauth/token');
    assert.equal(md.revocation_endpoint, 'https://a.example/oauth/revoke');
    assert.equal(md.supportsPKCE('S256'), true);
  });
});
