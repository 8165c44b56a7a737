import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signingPlan } from '../../../scripts/signing-env.js';

describe('signing plan (scripts/signing-env.ts)', () => {
  it('macOS without credentials: no keychain search, ad-hoc signature and skipped notarization said plainly', () => {
    const plan = signingPlan('darwin', {});
    assert.deepEqual(plan.env, { CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
    assert.equal(plan.error, false);
    assert.match(plan.messages[0]!, /^::notice::macOS signing skipped: CSC_LINK\/CSC_KEY_PASSWORD .*resetAdHocDarwinSignature/);
    assert.match(plan.messages[1]!, /^::notice::macOS notarization skipped: the app is not signed with a Developer ID/);
  });

  it('macOS with a certificate and an API key: signs and notarizes', () => {
    const plan = signingPlan('darwin', { CSC_LINK: 'base64', CSC_KEY_PASSWORD: 'pw', APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'id', APPLE_API_ISSUER: 'iss' });
    assert.deepEqual(plan.env, { CSC_LINK: 'base64', CSC_KEY_PASSWORD: 'pw', APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'id', APPLE_API_ISSUER: 'iss' });
    assert.deepEqual(plan.messages, ['macOS signing: identity from CSC_LINK + CSC_KEY_PASSWORD', 'macOS notarization: APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER']);
  });

  it('macOS signed but without notarization credentials says which are missing', () => {
    const plan = signingPlan('darwin', { CSC_NAME: 'Developer ID Application: AgentDesk' });
    assert.equal(plan.error, false);
    assert.match(plan.messages[1]!, /notarization skipped: no APPLE_API_KEY/);
  });

  it('a half-set credential is an error naming what is missing, never a quiet unsigned build', () => {
    const mac = signingPlan('darwin', { CSC_LINK: 'x', APPLE_ID: 'a@b.c', APPLE_TEAM_ID: 'T' });
    assert.equal(mac.error, true);
    assert.ok(mac.messages.includes('::error::macOS signing misconfigured: CSC_LINK set but CSC_KEY_PASSWORD missing (docs/RELEASING.md)'), mac.messages.join('\n'));
    assert.ok(mac.messages.includes('::error::macOS notarization misconfigured: APPLE_ID, APPLE_TEAM_ID set but APPLE_APP_SPECIFIC_PASSWORD missing (docs/RELEASING.md)'), mac.messages.join('\n'));
    const win = signingPlan('win32', { WIN_CSC_LINK: 'x' });
    assert.equal(win.error, true);
    assert.match(win.messages[0]!, /WIN_CSC_LINK set but WIN_CSC_KEY_PASSWORD missing/);
  });

  it('Windows: signs with a certificate, else says the installer is unsigned', () => {
    const signed = signingPlan('win32', { WIN_CSC_LINK: 'x', WIN_CSC_KEY_PASSWORD: 'y', CSC_LINK: 'the mac certificate' });
    assert.deepEqual(signed.messages, ['Windows signing: certificate from WIN_CSC_LINK + WIN_CSC_KEY_PASSWORD']);
    assert.deepEqual(signed.env, { WIN_CSC_LINK: 'x', WIN_CSC_KEY_PASSWORD: 'y' }, 'the macOS certificate is not handed to the Windows build');
    assert.match(signingPlan('win32', { CSC_LINK: 'x', CSC_KEY_PASSWORD: 'y' }).messages[0]!, /^::notice::Windows signing skipped/);
  });

  it('blank variables (an unset GitHub secret is an empty string) count as absent', () => {
    assert.deepEqual(signingPlan('darwin', { CSC_LINK: '', CSC_KEY_PASSWORD: '  ', APPLE_ID: '' }).env, { CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
  });
});
