import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatCountdown, secondsLeft, spokenCountdown } from '../../../renderer/countdown.js';

const T = 1_700_000_000_000;

describe('sign-in countdown', () => {
  it('shows minutes and zero-padded seconds', () => {
    assert.equal(formatCountdown(T + 300_000, T), '5:00');
    assert.equal(formatCountdown(T + 272_000, T), '4:32');
    assert.equal(formatCountdown(T + 65_000, T), '1:05');
    assert.equal(formatCountdown(T + 9_000, T), '0:09');
  });

  it('counts a started second, so it never shows 0:00 while time is left', () => {
    assert.equal(formatCountdown(T + 1, T), '0:01');
    assert.equal(formatCountdown(T + 59_001, T), '1:00');
    assert.equal(secondsLeft(T + 999, T), 1);
  });

  it('stops at 0:00 after the deadline', () => {
    assert.equal(formatCountdown(T, T), '0:00');
    assert.equal(formatCountdown(T - 10_000, T), '0:00');
    assert.equal(secondsLeft(T - 10_000, T), 0);
  });

  it('reads out naturally for screen readers', () => {
    assert.equal(spokenCountdown(T + 272_000, T), '4 minutes 32 seconds');
    assert.equal(spokenCountdown(T + 60_000, T), '1 minute');
    assert.equal(spokenCountdown(T + 1_000, T), '1 second');
    assert.equal(spokenCountdown(T, T), '0 seconds');
  });
});
