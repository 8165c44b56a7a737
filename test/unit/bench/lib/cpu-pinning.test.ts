import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { allowedCpus, pinProcess, pinningPlan } from '../../../../bench/lib/cpu-pinning.js';

const cpusOf = (pid: number): string => /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';

describe('CPU pinning', () => {
  it('puts the relay on one allowed CPU and the generators on the others', (t) => {
    const cpus = allowedCpus();
    const plan = pinningPlan();
    if (process.platform !== 'linux' || cpus.length < 2) {
      assert.equal(plan.relayCpus, null);
      t.diagnostic(`not pinned here: ${plan.note}`);
      return;
    }
    assert.equal(plan.relayCpus, String(cpus[0]));
    assert.equal(plan.generatorCpus, cpus.slice(1).join(','));
    assert.match(plan.note, /taskset/);
  });

  it('records that nothing was pinned when asked not to', () => {
    assert.deepEqual(pinningPlan(true), { relayCpus: null, generatorCpus: null, note: 'not pinned (--no-pin)' });
  });

  it('pins every thread of a running process', { skip: process.platform !== 'linux' || allowedCpus().length < 2 ? 'needs Linux with two CPUs' : false }, async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const target = String(allowedCpus().at(-1));
      pinProcess(child.pid!, target);
      assert.equal(cpusOf(child.pid!), target);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
