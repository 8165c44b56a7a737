// A new user's first command on a fresh clone: `npm start` on a tree with no build output. It
// builds what it serves, then the agent UI and the customer snippet are served and the demo agent
// signs in through the demo identity provider, all in a real Chromium.
//
// The fresh clone is the working tree's tracked and not-ignored files copied into a temp dir (what
// a clone of this commit holds), with node_modules linked so that no install runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser } from '@playwright/test';
import { REPO_ROOT } from '../../integration/server/helpers/server-process.js';
import { launchChromium } from '../../support/chromium.js';
import { startNpmStart, stopNpmStart, type NpmStart } from '../../support/npm-start.js';

/** Copies what a clone would hold: tracked and untracked-but-not-ignored files, not dist/. */
function freshClone(into: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(REPO_ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    // Timestamps kept, so package-lock.json is not newer than the installed packages' stamp and
    // npm start's bootstrap does not run npm ci against the linked node_modules.
    cpSync(join(REPO_ROOT, file), join(into, file), { preserveTimestamps: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(into, 'node_modules'), 'dir');
}

describe('npm start on a fresh clone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdesk-first-run-'));
  const clone = join(dir, 'clone');
  const browserLog = join(dir, 'browser.log');
  let run: NpmStart;
  let browser: Browser;

  before(async () => {
    freshClone(clone);
    assert.ok(!existsSync(join(clone, 'dist')), 'the clone has no build output');
    writeFileSync(browserLog, '');
    // The desktop's "system browser" records the sign-in URL for this test to open.
    const env = {
      ...process.env,
      BROWSER: `${process.execPath} ${join(REPO_ROOT, 'test/e2e/desktop/support/record-browser.mjs')}`,
      AGENTDESK_E2E_BROWSER_LOG: browserLog,
    };
    run = await startNpmStart({ cwd: clone, demoDir: join(dir, 'demo'), env, timeoutMs: 180_000 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    if (run) await stopNpmStart(run);
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the agent UI and the snippet before it prints the URLs', () => {
    const urlAt = run.lines.findIndex((l) => l.startsWith('Agent desktop: '));
    for (const part of ['renderer', 'snippet']) {
      const at = run.lines.findIndex((l) => l.startsWith(`build: ${part} built`));
      assert.ok(at >= 0 && at < urlAt, run.lines.join('\n'));
    }
  });

  it('serves the customer snippet and the customer site that loads it', async () => {
    const snippet = await fetch(`${run.urls.server}/cobrowse/snippet.js`);
    assert.equal(snippet.status, 200);
    assert.match(snippet.headers.get('content-type') ?? '', /javascript/);
    assert.ok((await snippet.text()).length > 10_000, 'the bundle, not an error text');

    const page = await browser.newPage();
    const loaded = page.waitForResponse((r) => r.url().endsWith('/cobrowse/snippet.js'));
    await page.goto(run.urls.site);
    assert.equal((await loaded).status(), 200);
    await page.close();
  });

  it('serves the agent UI, and the demo agent signs in', async () => {
    const page = await browser.newPage();
    await page.goto(run.urls.desktop);
    await page.getByRole('button', { name: 'Sign in with Demo identity provider' }).click();

    let authorizationUrl = '';
    for (let i = 0; i < 150 && authorizationUrl === ''; i += 1) {
      authorizationUrl = readFileSync(browserLog, 'utf8').split('\n')[0] ?? '';
      if (authorizationUrl === '') await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(authorizationUrl.startsWith(run.urls.idp), `the desktop opened the provider's page: ${authorizationUrl}`);

    const system = await browser.newPage();
    await system.goto(authorizationUrl);
    const agent = run.lines.find((l) => l.startsWith('Demo agent: '))!.slice('Demo agent: '.length).split(' / ');
    await system.getByLabel('Email').fill(agent[0]!);
    await system.getByLabel('Password').fill(agent[1]!);
    await system.getByRole('button', { name: 'Sign in' }).click();
    await system.getByText('Return to AgentDesk').waitFor();
    await page.locator('.agent-email', { hasText: agent[0]! }).waitFor();
    await system.close();
    await page.close();
  });
});
