import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentDisplayName } from '../../../../server/sessions/agent-display-name.js';

describe('agentDisplayName: what the customer page learns of the agent', () => {
  it('is the name claim, never sub or e-mail', () => {
    assert.equal(agentDisplayName({ sub: 'u-123', email: 'ada@example.test', name: 'Ada L.' }), 'Ada L.');
  });
  it('is "An agent" without a name, with a blank one, or without an identity', () => {
    assert.equal(agentDisplayName({ sub: 'u-123', email: 'ada@example.test' }), 'An agent');
    assert.equal(agentDisplayName({ sub: 'u-123', name: ' \n\t ' }), 'An agent');
    assert.equal(agentDisplayName(null), 'An agent');
  });
  it('drops control characters and keeps at most 80 characters', () => {
    assert.equal(agentDisplayName({ sub: 's', name: 'Ada\u0000\u2028Lovelace' }), 'Ada Lovelace');
    assert.equal([...agentDisplayName({ sub: 's', name: 'é'.repeat(200) })].length, 80);
  });
});
