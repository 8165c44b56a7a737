import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry, NetMetrics } from '../../../../server/metrics/net-metrics.js';

describe('NetMetrics', () => {
  it('renders the Prometheus text format with HELP, TYPE and labelled samples', () => {
    const m = new NetMetrics();
    m.connectionOpened('agent');
    m.connectionOpened('agent');
    m.connectionClosed('agent');
    m.agentAuth('AGENT_TOKEN_INVALID');
    m.agentAuth('AGENT_TOKEN_INVALID');
    m.relayed('snapshot', 1000);
    m.relayed('incremental', 24);
    m.activeSessions(3);
    const text = m.render();
    assert.ok(text.endsWith('\n'));
    assert.match(text, /^# HELP agentdesk_open_connections .+$/m);
    assert.match(text, /^# TYPE agentdesk_open_connections gauge$/m);
    assert.match(text, /^agentdesk_open_connections\{side="agent"\} 1$/m);
    assert.match(text, /^agentdesk_open_connections\{side="customer"\} 0$/m);
    assert.match(text, /^agentdesk_agent_auth_total\{outcome="AGENT_TOKEN_INVALID"\} 2$/m);
    assert.match(text, /^agentdesk_relayed_bytes_total 1024$/m);
    assert.match(text, /^agentdesk_relayed_frames_total\{kind="snapshot"\} 1$/m);
    assert.match(text, /^agentdesk_active_sessions 3$/m);
  });

  it('escapes label values', () => {
    const r = new MetricsRegistry();
    r.define('x_total', 'counter', 'x');
    r.add('x_total', { v: 'a"b\\c\nd' }, 1);
    assert.match(r.render(), /^x_total\{v="a\\"b\\\\c\\nd"\} 1$/m);
  });
});
