import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveSession, SessionState } from '../../../common/api.js';
import { describeSummary, loadSummary, saveSummary, summarize, SUMMARY_STORAGE_KEY } from '../../../renderer/session-summary.js';
import { controlAlert, windowTitle } from '../../../renderer/session-alerts.js';

const base: LiveSession = {
  sessionId: 's-1',
  code: '123456789',
  customerOrigin: 'https://shop.example.test',
  assetOrigins: [],
  joinedAt: 10_000,
  control: 'none',
  customer: { status: 'present' },
  page: null,
  timing: null,
  lastRefusal: null,
};

function joined(change: Partial<LiveSession>): SessionState {
  return { status: 'joined', ...base, ...change };
}

describe('end-of-session summary', () => {
  it('counts distinct pages and mode changes, and the duration', () => {
    let s = summarize(null, joined({ page: { url: 'https://shop.example.test/a', title: 'A', since: 1 } }));
    s = summarize(s, joined({ page: { url: 'https://shop.example.test/a', title: 'A', since: 1 }, control: 'requested' }));
    s = summarize(s, joined({ page: { url: 'https://shop.example.test/b', title: 'B', since: 2 }, control: 'granted' }));
    s = summarize(s, joined({ page: { url: 'https://shop.example.test/a', title: 'A', since: 3 }, control: 'granted' }));
    s = summarize(s, { status: 'ended', sessionId: 's-1', reason: 'agent-left', endedAt: 10_000 + 252_000 });
    assert.ok(s);
    assert.equal(describeSummary(s), 'Lasted 4:12 · 2 pages · 2 mode changes');
  });

  it('a new session starts a new summary', () => {
    const first = summarize(null, joined({ control: 'granted' }));
    const second = summarize(first, joined({ sessionId: 's-2' }));
    assert.equal(second?.sessionId, 's-2');
    assert.equal(second?.modeChanges, 0);
  });
});

describe('the summary across a reload of the window', () => {
  function memoryStorage() {
    const items = new Map<string, string>();
    return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k), items };
  }

  it('comes back as it was saved, so the changes before the reload still count', () => {
    const storage = memoryStorage();
    let s = summarize(null, joined({ control: 'requested' }));
    s = summarize(s, joined({ control: 'granted' }));
    saveSummary(storage, s);
    const reloaded = loadSummary(storage);
    assert.deepEqual(reloaded, s);
    const ended = summarize(summarize(reloaded, joined({ control: 'none' })), { status: 'ended', sessionId: 's-1', reason: 'agent-left', endedAt: 70_000 });
    assert.ok(ended);
    assert.equal(describeSummary(ended), 'Lasted 1:00 · 0 pages · 2 mode changes');
  });

  it('ignores what it cannot read, and forgets on null', () => {
    const storage = memoryStorage();
    for (const junk of ['{', '[]', '{"sessionId":"s-1"}', JSON.stringify({ sessionId: 's', joinedAt: 1, pages: [1], modeChanges: 0, endedAt: null, lastControl: 'none' })]) {
      storage.items.set(SUMMARY_STORAGE_KEY, junk);
      assert.equal(loadSummary(storage), null, junk);
    }
    saveSummary(storage, null);
    assert.equal(storage.items.has(SUMMARY_STORAGE_KEY), false);
    assert.equal(loadSummary(null), null);
  });
});

describe('session alerts', () => {
  it('raises an alert for the customer’s answers, not for the agent’s own request', () => {
    assert.equal(controlAlert('none', 'requested'), null);
    assert.equal(controlAlert('requested', 'granted'), 'approved');
    assert.equal(controlAlert('requested', 'declined'), 'declined');
    assert.equal(controlAlert('granted', 'revoked'), 'revoked');
    assert.equal(controlAlert('granted', 'granted'), null);
  });

  it('names the session and the pending event in the window title', () => {
    assert.equal(windowTitle('123 456 789', 'approved'), 'Control approved · Session 123 456 789 · AgentDesk');
    assert.equal(windowTitle('123 456 789', null), 'Session 123 456 789 · AgentDesk');
    assert.equal(windowTitle(null, null), 'AgentDesk');
  });
});
