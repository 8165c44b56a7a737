import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SKIP_WITHOUT_POSIX_MODES } from '../../support/file-modes.js';
import { appImageDesktopEntry, ensureAppImageDesktopEntry, quoteExecArgument, userApplicationsDir } from '../../../src/electron/appimage-desktop-entry.js';

const SCHEME = 'com.agentdesk.desktop';
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Reads one Exec argument back the way a desktop environment does: string unescape, then unquote. */
function readExecArgument(value: string): string {
  const unescaped = value.replace(/\\\\/g, '\\').replace(/%%/g, '%');
  assert.ok(unescaped.startsWith('"') && unescaped.endsWith('"'));
  return unescaped.slice(1, -1).replace(/\\(["`$\\])/g, '$1');
}

describe('AppImage desktop entry', () => {
  it('quotes the AppImage path so the desktop reads back exactly that path', () => {
    for (const path of ['/home/a/AgentDesk.AppImage', '/home/a/My Apps/AgentDesk 0.1.0.AppImage', '/home/a/$HOME/`x`/"q"/back\\slash/100%.AppImage']) {
      assert.equal(readExecArgument(quoteExecArgument(path)), path, path);
    }
    assert.equal(quoteExecArgument('/a b/$x'), '"/a b/\\\\$x"');
    assert.equal(quoteExecArgument('/a/50%'), '"/a/50%%"');
  });

  it('runs the AppImage with the URL, handles the sign-in scheme and names the window class', () => {
    const entry = appImageDesktopEntry({ appImage: '/opt/apps/AgentDesk.AppImage', scheme: SCHEME });
    assert.match(entry, /^\[Desktop Entry\]\n/);
    assert.match(entry, /^Exec="\/opt\/apps\/AgentDesk\.AppImage" %U$/m);
    assert.match(entry, /^MimeType=x-scheme-handler\/com\.agentdesk\.desktop;$/m);
    assert.match(entry, /^StartupWMClass=agentdesk$/m);
    assert.equal(entry.match(/^MimeType=/gm)?.length, 1);
  });

  it('refuses a relative or multi-line APPIMAGE, which could add lines to the entry', () => {
    assert.throws(() => appImageDesktopEntry({ appImage: 'AgentDesk.AppImage', scheme: SCHEME }));
    assert.throws(() => appImageDesktopEntry({ appImage: '/a.AppImage\nExec=/bin/evil', scheme: SCHEME }));
  });

  it('is written once, left alone while the path is the same, and rewritten when the AppImage moves', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'agentdesk-apps-')), 'applications');
    dirs.push(dir);
    const file = ensureAppImageDesktopEntry(dir, { appImage: '/a/AgentDesk.AppImage', scheme: SCHEME });
    assert.equal(file, join(dir, 'agentdesk.desktop'));
    assert.equal(ensureAppImageDesktopEntry(dir, { appImage: '/a/AgentDesk.AppImage', scheme: SCHEME }), null);
    assert.equal(ensureAppImageDesktopEntry(dir, { appImage: '/b/AgentDesk.AppImage', scheme: SCHEME }), file);
    assert.match(readFileSync(file!, 'utf8'), /^Exec="\/b\/AgentDesk\.AppImage" %U$/m);
    writeFileSync(file!, 'damaged');
    assert.equal(ensureAppImageDesktopEntry(dir, { appImage: '/b/AgentDesk.AppImage', scheme: SCHEME }), file);
  });

  it('is not writable by others (another user could change what a sign-in link runs)', { skip: SKIP_WITHOUT_POSIX_MODES }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentdesk-apps-'));
    dirs.push(dir);
    const file = ensureAppImageDesktopEntry(dir, { appImage: '/a/AgentDesk.AppImage', scheme: SCHEME });
    assert.equal(statSync(file!).mode & 0o022, 0);
  });

  it('goes to $XDG_DATA_HOME/applications, else ~/.local/share/applications', () => {
    assert.equal(userApplicationsDir({ XDG_DATA_HOME: '/x/data' }, '/home/a'), join('/x/data', 'applications'));
    assert.equal(userApplicationsDir({}, '/home/a'), join('/home/a', '.local', 'share', 'applications'));
    assert.equal(userApplicationsDir({ XDG_DATA_HOME: 'relative' }, '/home/a'), join('/home/a', '.local', 'share', 'applications'), 'the spec ignores a relative value');
  });
});
