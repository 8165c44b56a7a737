import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configuredUrls, externalLinkUrl, isAppNavigation, signInBrowserUrl } from '../../../src/electron/navigation-policy.js';

const configured = configuredUrls({
  serverUrl: 'https://cobrowse.example.com',
  providers: [{ issuer: 'https://login.example.org/realms/agents' }, { issuer: 'http://127.0.0.1:8701' }],
});

describe('navigation of the main window', () => {
  it('stays on app://agentdesk', () => {
    assert.equal(isAppNavigation('app://agentdesk/index.html'), true);
    assert.equal(isAppNavigation('app://agentdesk/index.html#main'), true);
    for (const url of ['https://agentdesk/index.html', 'app://evil/index.html', 'file:///etc/passwd', 'javascript:alert(1)', 'about:blank', '']) {
      assert.equal(isAppNavigation(url), false, url);
    }
  });
});

describe('links opened in the system browser', () => {
  it('lists the co-browse server and every issuer as configured', () => {
    assert.deepEqual(configured, ['https://cobrowse.example.com', 'https://login.example.org/realms/agents', 'http://127.0.0.1:8701']);
    assert.deepEqual(configuredUrls({ serverUrl: null, providers: [] }), []);
  });

  it('opens https links to a configured host, any path', () => {
    assert.equal(externalLinkUrl('https://cobrowse.example.com/help?x=1', configured), 'https://cobrowse.example.com/help?x=1');
    assert.equal(externalLinkUrl('https://LOGIN.example.org/account', configured), 'https://login.example.org/account');
  });

  it('refuses other hosts, look-alikes, other ports and http to a remote host', () => {
    for (const url of [
      'https://evil.example.com/',
      'https://cobrowse.example.com.evil.net/',
      'https://cobrowse.example.com:8443/',
      'http://cobrowse.example.com/',
      'https://user:pw@cobrowse.example.com/',
      'file:///etc/passwd',
      'smb://cobrowse.example.com/share',
      'javascript:alert(1)',
      'not a url',
    ]) {
      assert.equal(externalLinkUrl(url, configured), null, url);
    }
  });

  it('opens http only on loopback, and only to a configured loopback port', () => {
    assert.equal(externalLinkUrl('http://127.0.0.1:8701/account', configured), 'http://127.0.0.1:8701/account');
    assert.equal(externalLinkUrl('http://127.0.0.1:9999/', configured), null);
    assert.equal(externalLinkUrl('http://127.0.0.1:8701/', ['http://10.0.0.5:8701']), null);
  });

  it('opens nothing when nothing is configured', () => {
    assert.equal(externalLinkUrl('https://cobrowse.example.com/', []), null);
  });
});

describe('sign-in pages opened in the system browser', () => {
  it('takes https anywhere and http on loopback (development providers)', () => {
    assert.equal(signInBrowserUrl('https://login.example.org/authorize?client_id=a&state=b'), 'https://login.example.org/authorize?client_id=a&state=b');
    assert.equal(signInBrowserUrl('http://127.0.0.1:8701/auth?x=1'), 'http://127.0.0.1:8701/auth?x=1');
    assert.equal(signInBrowserUrl('http://localhost:8701/auth'), 'http://localhost:8701/auth');
    assert.equal(signInBrowserUrl('http://[::1]:8701/auth'), 'http://[::1]:8701/auth');
  });

  it('refuses plain http elsewhere, other schemes and user info', () => {
    for (const url of ['http://login.example.org/authorize', 'file:///tmp/x.html', 'com.agentdesk.desktop:/oauth/callback', 'https://a:b@login.example.org/', 'javascript:alert(1)']) {
      assert.equal(signInBrowserUrl(url), null, url);
    }
  });
});
