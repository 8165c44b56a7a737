import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openerFor } from '../../../src/host/system-browser.js';

const URL_WITH_QUERY = 'https://login.example.test/authorize?client_id=a&state=b';

describe('openerFor', () => {
  it('uses $BROWSER with the URL as its last argument', () => {
    assert.deepEqual(openerFor(URL_WITH_QUERY, { BROWSER: 'firefox --new-window' }, 'linux'), {
      command: 'firefox',
      args: ['--new-window', URL_WITH_QUERY],
    });
  });

  it('puts the URL where $BROWSER says %s, and takes the first of a colon-separated list', () => {
    assert.deepEqual(openerFor(URL_WITH_QUERY, { BROWSER: 'mybrowser --url %s --fresh:other' }, 'linux'), {
      command: 'mybrowser',
      args: ['--url', URL_WITH_QUERY, '--fresh'],
    });
  });

  it('falls back to the platform opener', () => {
    assert.deepEqual(openerFor(URL_WITH_QUERY, {}, 'linux'), { command: 'xdg-open', args: [URL_WITH_QUERY] });
    assert.deepEqual(openerFor(URL_WITH_QUERY, {}, 'darwin'), { command: 'open', args: [URL_WITH_QUERY] });
    const win = openerFor(URL_WITH_QUERY, { BROWSER: '  ' }, 'win32');
    assert.equal(win.command, 'cmd');
    assert.equal(win.args.at(-1), 'https://login.example.test/authorize?client_id=a^&state=b', 'cmd would split the URL at an unescaped &');
  });
});
