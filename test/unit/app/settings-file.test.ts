import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDeskError } from '../../../common/errors.js';
import { EMPTY_SETTINGS, readSettings, settingsPath, writeSettings } from '../../../src/app/settings-file.js';
import { SKIP_WITHOUT_POSIX_MODES } from '../../support/file-modes.js';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'agentdesk-settings-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('settings file', () => {
  it('is written private to the user', { skip: SKIP_WITHOUT_POSIX_MODES }, async () => {
    const path = settingsPath(dir());
    await writeSettings(path, EMPTY_SETTINGS);
    assert.equal(statSync(path).mode & 0o077, 0, 'not readable by others');
  });

  it('starts empty, and reads back what was written', async () => {
    const path = settingsPath(dir());
    assert.deepEqual(await readSettings(path), EMPTY_SETTINGS);
    const settings = {
      serverUrl: 'https://cobrowse.example.com',
      providers: [{ id: 'okta', label: 'Okta', issuer: 'https://example.okta.com', clientId: 'abc', scopes: ['openid'], redirect: 'auto' as const }],
    };
    await writeSettings(path, settings);
    assert.deepEqual(await readSettings(path), settings);
  });

  it('reports a damaged file with the field at fault and leaves it as it was', async () => {
    const path = settingsPath(dir());
    const damaged = JSON.stringify({ serverUrl: 'ftp://x', providers: [] });
    writeFileSync(path, damaged);
    await assert.rejects(readSettings(path), (err: unknown) => err instanceof AgentDeskError && err.code === 'CONFIG_INVALID' && /serverUrl/.test(err.message));
    assert.equal(readFileSync(path, 'utf8'), damaged);
    writeFileSync(path, '{ not json');
    await assert.rejects(readSettings(path), (err: unknown) => err instanceof AgentDeskError && /not valid JSON/.test(err.message));
  });
});
