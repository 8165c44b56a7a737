// `npm run demo:cluster` as a newcomer runs it: Redis, PostgreSQL, haproxy and three nodes come
// up; the demo agent signs in to the real agent desktop (browser shell), the customer starts
// co-browse with the real snippet on the demo site, both through haproxy; then the node running
// the session is killed (kill -9) while the agent watches, and the agent keeps seeing the
// customer's page move. Finally kill -9 of the demo itself stops every process it started.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from '@playwright/test';
import { REPO_ROOT } from '../../integration/server/helpers/server-process.js';
import { missingBinaries } from '../../integration/cluster/helpers/binaries.js';
import { freePort } from '../../integration/cluster/helpers/free-port.js';
import { launchChromium } from '../../support/chromium.js';
import { processesWithMarker } from '../../support/npm-start.js';
import { joinByCode } from '../../support/join-by-code.js';

const skip = missingBinaries(['redis-server', 'initdb', 'pg_ctl', 'haproxy']);

interface DemoRun {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly marker: string;
  readonly exited: Promise<void>;
  line(prefix: string): string;
  /** Resolves with the first line (now or later) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

function startDemo(dir: string, lbPort: number, browserLog: string): Promise<DemoRun> {
  const marker = `agentdesk-test-${process.pid}-${Date.now()}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/demo-cluster.ts', '--port', String(lbPort), '--idp-port', '0', '--desktop-port', '0', '--site-port', '0', '--demo-dir', join(dir, 'demo'), '--no-open'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        AGENTDESK_TEST_MARKER: marker,
        BROWSER: `${process.execPath} ${join(REPO_ROOT, 'test/e2e/desktop/support/record-browser.mjs')}`,
        AGENTDESK_E2E_BROWSER_LOG: browserLog,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const lines: string[] = [];
  const waiters: { pattern: RegExp; done: (m: RegExpMatchArray) => void }[] = [];
  let stderr = '';
  let partial = '';
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8000)));
  const run: DemoRun = {
    child,
    lines,
    marker,
    exited,
    line: (prefix) => lines.find((l) => l.startsWith(prefix))?.slice(prefix.length).trim() ?? '',
    waitForLine(pattern, timeoutMs) {
      for (const l of lines) {
        const m = l.match(pattern);
        if (m) return Promise.resolve(m);
      }
      return new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no line ${pattern} in ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({ pattern, done: (m) => (clearTimeout(timer), done(m)) });
      });
    },
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const got = partial.split('\n');
    partial = got.pop()!;
    for (const l of got) {
      lines.push(l);
      for (const w of [...waiters]) {
        const m = l.match(w.pattern);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done(m);
        }
      }
    }
  });
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the cluster demo did not come up:\n${lines.join('\n')}\n${stderr}`)), 120_000);
    void exited.then(() => fail(new Error(`the cluster demo exited:\n${lines.join('\n')}\n${stderr}`)));
    void run.waitForLine(/^Node logs: /, 120_000).then(() => {
      clearTimeout(timer);
      done(run);
    });
  });
}

describe('the cluster demo with the real desktop and snippet', { skip: skip || undefined }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdesk-cluster-demo-'));
  const browserLog = join(dir, 'browser.log');
  let run: DemoRun;
  let lbUrl: string;
  let browser: Browser;
  let agent: Page;
  let customer: Page;
  let mirror: FrameLocator;

  before(async () => {
    writeFileSync(browserLog, '');
    const lbPort = await freePort();
    lbUrl = `http://127.0.0.1:${lbPort}`;
    run = await startDemo(dir, lbPort, browserLog);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      process.kill(-run.child.pid!, 'SIGINT');
      await run.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('comes up: three nodes behind haproxy, each ready, the snippet served through the load balancer', async () => {
    assert.equal(run.line('Load balancer (haproxy): '), lbUrl);
    const nodes = run.lines.filter((l) => l.startsWith('Cluster node: ')).map((l) => l.split(' ')[3]!);
    assert.equal(nodes.length, 3, run.lines.join('\n'));
    for (const url of nodes) assert.equal((await fetch(`${url}/readyz`)).status, 200, url);
    assert.equal((await fetch(`${lbUrl}/readyz`)).status, 200);
    const snippet = await fetch(`${lbUrl}/cobrowse/snippet.js`);
    assert.equal(snippet.status, 200);
    assert.ok((await snippet.text()).length > 10_000, 'the bundle, not an error text');
  });

  it('the agent signs in and joins the customer through haproxy', async () => {
    agent = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await agent.goto(run.line('Agent desktop: '));
    await agent.getByRole('button', { name: 'Sign in with Demo identity provider' }).click();
    let authorizationUrl = '';
    for (let i = 0; i < 150 && authorizationUrl === ''; i += 1) {
      authorizationUrl = readFileSync(browserLog, 'utf8').split('\n')[0] ?? '';
      if (authorizationUrl === '') await new Promise((r) => setTimeout(r, 100));
    }
    const system = await browser.newPage();
    await system.goto(authorizationUrl);
    const [email, password] = run.line('Demo agent: ').split(' / ');
    await system.getByLabel('Email').fill(email!);
    await system.getByLabel('Password').fill(password!);
    await system.getByRole('button', { name: 'Sign in' }).click();
    await system.getByText('Return to AgentDesk').waitFor();
    await system.close();
    await agent.getByRole('heading', { name: 'Connected to the co-browse server' }).waitFor({ timeout: 20_000 });

    customer = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await customer.goto(run.line('Customer site: '));
    await joinByCode(customer, agent);
    mirror = agent.frameLocator('.mirror-stage iframe');
    await mirror.getByRole('heading', { name: 'File a car insurance claim' }).waitFor({ timeout: 15_000 });
    await customer.getByLabel('Full name').fill('Grace');
    await waitForMirrorName(agent, 'Grace', 10_000);
  });

  it('kill -9 of the node running the session: the agent keeps watching the customer page', async () => {
    const home = await run.waitForLine(/^Session (\w+) runs on (node-\d) \(pid (\d+)\)/, 10_000);
    const pid = Number(home[3]);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await run.waitForLine(new RegExp(`^Session ${home[1]} moved to (node-\\d)`), 30_000);
    await customer.getByLabel('Full name').fill('Grace Hopper');
    await waitForMirrorName(agent, 'Grace Hopper', 30_000);
    const resumedMs = Date.now() - killedAt;
    console.log(`# cluster demo: the agent saw the customer's typing ${resumedMs} ms after kill -9 of ${home[2]}`);
    assert.ok(run.lines.some((l) => l.startsWith(`${home[2]} (pid ${pid}) stopped`)), 'the demo noticed the node die');
    // The session did not end: the agent is still in it, with control requests available.
    assert.equal(await agent.getByRole('button', { name: 'Join', exact: true }).count(), 0);
    await agent.getByRole('button', { name: 'Request control' }).waitFor();
  });

  it('kill -9 of the demo stops every process it started', async () => {
    assert.ok(processesWithMarker(run.marker).length > 5, 'the demo runs its servers under the marker');
    process.kill(run.child.pid!, 'SIGKILL');
    await run.exited;
    const deadline = Date.now() + 20_000;
    let left = processesWithMarker(run.marker);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      left = processesWithMarker(run.marker);
    }
    const names = left.map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 120);
      } catch {
        return String(pid);
      }
    });
    assert.deepEqual(names, [], 'no process outlives the demo');
    assert.equal(await fetch(`${lbUrl}/readyz`).then(() => 'answered', () => 'refused'), 'refused');
  });
});

async function waitForMirrorName(agent: Page, value: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const values = (await agent
      .evaluate(`Array.from(document.querySelector('.mirror-stage iframe')?.contentDocument?.querySelectorAll('input') ?? []).map((i) => i.value)`)
      .catch(() => [])) as string[];
    if (values.includes(value)) return;
    if (Date.now() > end) throw new Error(`the agent's view never showed "${value}" (inputs: ${JSON.stringify(values)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
