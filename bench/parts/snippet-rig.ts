// What the bench parts that run the real snippet in Chromium share: the demo customer site (with
// the part's extra pages) pointed at an AgentDesk relay rig, and Debian's Chromium; all three
// stopped when the part is done, however it ends.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright';
import { startCustomerSite } from '../../demo/site/serve-site.js';
import { HARNESS_LIMITS } from '../bench-limits.js';
import { Rig } from '../lib/rig.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const SNIPPET_BUNDLE = join(REPO_ROOT, 'dist/snippet/agentdesk-cobrowse.js');
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The snippet is served from dist/; a fresh clone has not built it yet. */
function ensureSnippetBuilt(): void {
  if (existsSync(SNIPPET_BUNDLE)) return;
  const build = spawnSync('npm', ['run', 'build:snippet'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: HARNESS_LIMITS.setupMs });
  if (build.status !== 0) throw new Error(`npm run build:snippet failed: ${build.stderr}`);
}

export interface SnippetRig {
  readonly browser: Browser;
  readonly rig: Rig;
  /** The customer site's absolute URL of `path`. */
  at(path: string): string;
}

/** Runs `part` with the site (serving `pages` besides its own), a rig named `label` and Chromium. */
export async function withSnippetRig<T>(opts: { readonly outDir: string; readonly label: string; readonly pages: Readonly<Record<string, string>> }, part: (env: SnippetRig) => Promise<T>): Promise<T> {
  const executablePath = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) throw new Error('no Chromium found (npm run setup:system installs it)');
  ensureSnippetBuilt();
  let serverUrl = '';
  const site = await startCustomerSite({ serverUrl: () => serverUrl, extraPages: opts.pages });
  let rig: Rig | null = null;
  let browser: Browser | null = null;
  try {
    rig = await Rig.start({ kind: 'agentdesk', generators: 0, outDir: opts.outDir, label: opts.label, customerOrigins: [site.origin] });
    serverUrl = rig.url;
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    return await part({ browser, rig, at: (path) => new URL(path, site.url).href });
  } finally {
    await browser?.close();
    await rig?.stop();
    await site.close();
  }
}
