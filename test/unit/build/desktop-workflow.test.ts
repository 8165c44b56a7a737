import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';

interface Step {
  name?: string;
  run?: string;
  if?: string;
  uses?: string;
}
interface Workflow {
  jobs: { desktop: { strategy: { matrix: { os: string[] } }; steps: Step[] } };
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

  it('installs from the lockfile, tests, then builds the installers', () => {
    const order = ['npm ci', 'npm test', 'npm run dist'].map((cmd) => runs.findIndex((r) => r.startsWith(cmd)));
    assert.ok(order.every((i) => i >= 0), `missing one of npm ci / npm test / npm run dist: ${JSON.stringify(runs)}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'in this order');
  });

  it('runs the Electron end-to-end spec, under a virtual display on Linux', () => {
    const linux = steps.find((s) => s.run?.includes('test/e2e/electron') && s.if?.includes("== 'Linux'"));
    assert.ok(linux?.run?.startsWith('xvfb-run -a '), 'xvfb-run on Linux');
    assert.ok(steps.some((s) => s.run?.includes('test/e2e/electron') && s.if?.includes("!= 'Linux'")));
  });
});
