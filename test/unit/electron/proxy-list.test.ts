import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { firstUsableRoute, proxyLookupUrl } from '../../../src/electron/proxy-list.js';

describe("Chromium's proxy answer (session.resolveProxy)", () => {
  it('takes the first entry the socket can use, in order', () => {
    assert.deepEqual(firstUsableRoute('DIRECT'), { kind: 'direct' });
    assert.deepEqual(firstUsableRoute('PROXY proxy.corp.example:3128; DIRECT'), { kind: 'http', host: 'proxy.corp.example', port: 3128 });
    assert.deepEqual(firstUsableRoute('HTTPS secure-proxy.example:8443'), { kind: 'https', host: 'secure-proxy.example', port: 8443 });
    assert.deepEqual(firstUsableRoute('SOCKS5 socks.example:1080; PROXY 10.0.0.1:8080'), { kind: 'http', host: '10.0.0.1', port: 8080 }, 'SOCKS is skipped');
    assert.deepEqual(firstUsableRoute('PROXY [fd00::1]:3128'), { kind: 'http', host: 'fd00::1', port: 3128 });
    assert.deepEqual(firstUsableRoute('PROXY proxy.example'), { kind: 'http', host: 'proxy.example', port: 80 });
  });

  it('has no route when only SOCKS or malformed entries are offered', () => {
    assert.equal(firstUsableRoute('SOCKS5 socks.example:1080'), null);
    assert.equal(firstUsableRoute('PROXY proxy.example:99999'), null);
    assert.equal(firstUsableRoute(''), null);
  });

  it('asks about the http(s) twin of a ws(s) URL, as Chromium resolves WebSockets', () => {
    assert.equal(proxyLookupUrl('wss://cobrowse.example.com/cobrowse/agent'), 'https://cobrowse.example.com/cobrowse/agent');
    assert.equal(proxyLookupUrl('ws://127.0.0.1:8700/cobrowse/agent'), 'http://127.0.0.1:8700/cobrowse/agent');
  });
});
