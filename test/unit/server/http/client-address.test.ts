import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { clientAddresses, isValidProxyEntry, limitKey } from '../../../../server/http/client-address.js';

function request(peer: string, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage;
}

describe('clientAddresses', () => {
  it('ignores X-Forwarded-For without trusted proxies', () => {
    assert.equal(clientAddresses([]).of(request('203.0.113.5', '198.51.100.1')), '203.0.113.5');
  });

  it('reads X-Forwarded-For only from trusted peers, walking back through trusted hops only', () => {
    const a = clientAddresses(['10.0.0.0/8', '2001:db8::/32']);
    assert.equal(a.of(request('10.1.2.3', '198.51.100.7')), '198.51.100.7');
    assert.equal(a.of(request('10.1.2.3', '6.6.6.6, 198.51.100.7')), '198.51.100.7', 'a forged left-most entry is not believed');
    assert.equal(a.of(request('10.1.2.3', '198.51.100.7, 10.9.9.9')), '198.51.100.7', 'two trusted hops');
    assert.equal(a.of(request('203.0.113.5', '198.51.100.7')), '203.0.113.5', 'an untrusted peer cannot forge its address');
    assert.equal(a.of(request('2001:db8::1', '2001:db9::5')), '2001:db9::5');
    assert.equal(a.isTrustedPeer('10.200.0.1'), true);
    assert.equal(a.isTrustedPeer('11.0.0.1'), false);
  });

  it('validates entries', () => {
    for (const ok of ['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/48', 'loopback']) assert.equal(isValidProxyEntry(ok), true, ok);
    for (const bad of ['10.0.0.0/33', 'proxy.example.com', '', '1.2.3']) assert.equal(isValidProxyEntry(bad), false, bad);
  });
});

describe('limitKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and groups IPv6 by /64', () => {
    assert.equal(limitKey('198.51.100.7'), '198.51.100.7');
    assert.equal(limitKey('::ffff:198.51.100.7'), '198.51.100.7');
    assert.equal(limitKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(limitKey('2001:db8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(limitKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(limitKey('::1'), '0:0:0:0::/64');
    assert.equal(limitKey('2001:0db8:0001:0002::5'), '2001:db8:1:2::/64');
  });
});
