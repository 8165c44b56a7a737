import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentChannelUrl } from '../../../src/cobrowse/agent-channel-url.js';
import { AgentDeskError } from '../../../common/errors.js';

describe('agentChannelUrl', () => {
  it('maps http to ws and https to wss on /cobrowse/agent', () => {
    assert.equal(agentChannelUrl('http://127.0.0.1:8700'), 'ws://127.0.0.1:8700/cobrowse/agent');
    assert.equal(agentChannelUrl('https://cobrowse.example.com'), 'wss://cobrowse.example.com/cobrowse/agent');
    assert.equal(agentChannelUrl('HTTPS://Cobrowse.Example.com:443/'), 'wss://cobrowse.example.com/cobrowse/agent');
  });

  it('keeps a reverse-proxy path prefix', () => {
    assert.equal(agentChannelUrl('https://example.com/cb'), 'wss://example.com/cb/cobrowse/agent');
    assert.equal(agentChannelUrl('https://example.com/cb/'), 'wss://example.com/cb/cobrowse/agent');
  });

  it('refuses plain http to another machine with SERVER_URL_INSECURE; http to this machine stays', () => {
    for (const bad of ['http://cobrowse.example.com', 'http://10.0.0.5:8700', 'http://[2001:db8::1]', 'http://[::ffff:127.0.0.1]', 'http://127.0.0.1.example.com']) {
      assert.throws(() => agentChannelUrl(bad), (e: unknown) => e instanceof AgentDeskError && e.code === 'SERVER_URL_INSECURE', bad);
    }
    for (const ok of ['http://127.0.0.1:8700', 'http://127.0.0.2', 'http://localhost:1', 'http://[::1]:8700']) assert.match(agentChannelUrl(ok), /^ws:\/\//, ok);
  });

  it('refuses other schemes, user info, query and fragment with SERVER_URL_INVALID', () => {
    for (const bad of ['ws://example.com', 'file:///etc/passwd', 'https://u:p@example.com', 'https://example.com/?t=1', 'https://example.com/#a', 'not a url']) {
      assert.throws(() => agentChannelUrl(bad), (e: unknown) => e instanceof AgentDeskError && e.code === 'SERVER_URL_INVALID', bad);
    }
  });
});
