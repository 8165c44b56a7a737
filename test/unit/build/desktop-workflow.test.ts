import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';

interface Step {
  name?: string;
  run?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Workflow {
  jobs: { desktop: { strategy: { matrix: { os: string[] } }; steps: Step[]; env?: Record<string, string> } };
}

const workflow = load(readFileSync(new URL('../../../.github/workflows/desktop.yml', import.meta.url), 'utf8')) as Workflow;
const { steps } = workflow.jobs.desktop;
const runs = steps.flatMap((s) => (s.run ? [s.run] : []));

describe('.github/workflows/desktop.yml', () => {
  it('runs on Linux, Windows and macOS', () => {
    const os = workflow.jobs.desktop.strategy.matrix.os;
    assert.ok(os.some((o) => o.startsWith('ubuntu')));
    assert.ok(os.some((o) => o.startsWith('windows')));
    assert.ok(os.some((o) => o.startsWith('macos')));
  });

  const index = (match: (run: string) => boolean): number => runs.findIndex(match);

  it('installs from the lockfile, tests, runs the Electron journey, then builds the installers and smoke-tests them', () => {
    const order = [
      index((r) => r.startsWith('npm ci')),
      index((r) => r.startsWith('npm test')),
      // The journey's server loads better-sqlite3 built for Node: before anything is built for Electron.
      index((r) => r.includes('test/e2e/electron')),
      index((r) => r.includes('scripts/signing-env.ts')),
      index((r) => r.startsWith('npm run dist')),
      index((r) => r.includes('scripts/smoke-packaged-app.ts')),
    ];
    assert.ok(order.every((i) => i >= 0), `a step is missing: ${JSON.stringify(runs)}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'in this order');
  });

  it("installs the system packages with the project's own script on Linux, after naming the browser", () => {
    const system = index((r) => r.includes('scripts/install-system-deps.sh'));
    const browser = index((r) => r.includes('AGENTDESK_CHROMIUM='));
    assert.ok(system >= 0 && browser >= 0 && browser < system && system < index((r) => r.startsWith('npm test')));
    assert.match(runs[system]!, /^sudo --preserve-env=AGENTDESK_CHROMIUM bash scripts\/install-system-deps\.sh$/);
  });

  it('uses Node 22.12 or later, which electron 45 and electron-builder 26 declare', () => {
    const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    const [major, minor] = String(setup?.with?.['node-version']).split('.').map(Number);
    assert.ok(major! > 22 || (major === 22 && minor! >= 12), String(setup?.with?.['node-version']));
  });

  it('smoke-tests the packaged app on every OS and fails when the build is missing', () => {
    const smoke = steps.filter((s) => s.run?.includes('scripts/smoke-packaged-app.ts'));
    assert.equal(smoke.length, 2);
    assert.ok(smoke.every((s) => s.run?.includes('--require')));
    const linux = smoke.find((s) => s.if?.includes("== 'Linux'"));
    assert.match(linux?.run ?? '', /chmod 4755 dist\/installers\/linux-unpacked\/chrome-sandbox[\s\S]*xvfb-run -a bash scripts\/with-secret-service\.sh node/);
    assert.ok(smoke.some((s) => s.if?.includes("!= 'Linux'")));
  });

  it('hands signing secrets only to the credentials step, never to the whole job', () => {
    assert.equal(workflow.jobs.desktop.env?.CSC_IDENTITY_AUTO_DISCOVERY, undefined, 'decided by scripts/signing-env.ts');
    const withSecrets = steps.filter((s) => Object.values(s.env ?? {}).some((v) => v.includes('secrets.')));
    assert.deepEqual(withSecrets.map((s) => s.run), ['node --import tsx scripts/signing-env.ts']);
    assert.ok(!JSON.stringify(workflow.jobs.desktop.env ?? {}).includes('secrets.'));
  });

  it('runs the Electron end-to-end spec, under a virtual display on Linux', () => {
    const linux = steps.find((s) => s.run?.includes('test/e2e/electron') && s.if?.includes("== 'Linux'"));
    assert.ok(linux?.run?.startsWith('xvfb-run -a '), 'xvfb-run on Linux');
    assert.ok(steps.some((s) => s.run?.includes('test/e2e/electron') && s.if?.includes("!= 'Linux'")));
  });
});
