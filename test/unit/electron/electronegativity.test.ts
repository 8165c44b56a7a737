// The `security` step of npm test: Electronegativity must pass the Electron shell as it is, and
// must fail a shell with the classic mistakes (so the step can fail at all).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DISABLED_CHECKS, onlyReviewedCspRemark, scanElectronShell } from '../../../scripts/electronegativity.js';
import { CONTENT_SECURITY_POLICY } from '../../../src/renderer-bundle/content-security-policy.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const rendererHtml = join(root, 'renderer/index.html');

describe('Electronegativity on the Electron shell', () => {
  let bad: string;
  before(() => {
    bad = mkdtempSync(join(tmpdir(), 'agentdesk-insecure-shell-'));
    writeFileSync(
      join(bad, 'main.ts'),
      [
        "import { app, BrowserWindow, shell } from 'electron';",
        'app.whenReady().then(() => {',
        '  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });',
        "  win.webContents.on('new-window', (_e: unknown, url: string) => shell.openExternal(url));",
        '});',
        '',
      ].join('\n'),
    );
  });
  after(() => rmSync(bad, { recursive: true, force: true }));

  it('finds nothing in src/electron', async () => {
    const findings = await scanElectronShell(join(root, 'src/electron'), rendererHtml);
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.location.line} ${f.id}`),
      [],
    );
  });

  it('fails a shell with Node in the page, no isolation, no sandbox and no navigation or permission limits', async () => {
    const ids = new Set((await scanElectronShell(bad, rendererHtml)).map((f) => f.id));
    for (const id of ['NODE_INTEGRATION_JS_CHECK', 'CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
      assert.ok(ids.has(id), `${id} not reported; got ${[...ids].join(', ')}`);
    }
  });

  it('disables only checks that do not apply to Electron 45 or need the network', () => {
    assert.deepEqual([...DISABLED_CHECKS].sort(), ['AUXCLICK_HTML_CHECK', 'AUXCLICK_JS_CHECK', 'AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK', 'ELECTRON_VERSION_JSON_CHECK', 'REMOTE_MODULE_JS_CHECK']);
  });

  it("accepts the CSP evaluator's script-src 'self' remark and nothing else", () => {
    assert.equal(onlyReviewedCspRemark(CONTENT_SECURITY_POLICY), true);
    assert.equal(onlyReviewedCspRemark("default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'"), false);
    assert.equal(onlyReviewedCspRemark("default-src *; object-src 'none'; base-uri 'none'"), false);
  });
});
