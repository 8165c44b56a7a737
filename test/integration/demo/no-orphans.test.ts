// npm start killed hard (a crashed terminal, kill -9 of its process group): nothing it started
// stays behind, its ports are free within seconds, and the next npm start comes up on them.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../server/helpers/server-process.js';
import { processesWithMarker, startNpmStart, stopNpmStart, type NpmStart } from '../../support/npm-start.js';

// The children stop through their own shutdown path (the server drains for a moment), and the
// kernel frees a listening port when its socket closes: a few seconds is plenty.
const FREED_WITHIN_MS = 8_000;

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Whether this process can listen on 127.0.0.1:port, as the next npm start would. */
function canListen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('npm start killed with SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentdesk-orphans-'));
  let next: NpmStart | undefined;
  const markers: string[] = [];
  after(async () => {
    if (next) await stopNpmStart(next);
    // If the fix failed, what the killed run left would hold this test's pipes open forever.
    for (const pid of markers.flatMap(processesWithMarker)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves no process and no port behind, and the next npm start comes up on the same ports', async () => {
    // Without a session bus, as on a headless machine: the desktop then runs inside its own
    // Secret Service (dbus-daemon, gnome-keyring), which must go too.
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const run = await startNpmStart({ cwd: REPO_ROOT, demoDir: join(dir, 'demo'), env });
    markers.push(run.marker);
    const ports = Object.values(run.urls).map(portOf);
    assert.equal(ports.length, 4);
    assert.ok(processesWithMarker(run.marker).length >= 3, 'npm start, the server and the desktop run');
    assert.equal((await fetch(`${run.urls.server}/healthz`)).status, 200);

    process.kill(-run.child.pid!, 'SIGKILL');
    await run.exited;

    assert.ok(await until(() => processesWithMarker(run.marker).length === 0, FREED_WITHIN_MS), `still running: ${processesWithMarker(run.marker).join(', ')}`);
    for (const port of ports) assert.ok(await until(() => canListen(port), FREED_WITHIN_MS), `port ${port} is free again`);

    const [server, idp, desktop, site] = [run.urls.server, run.urls.idp, run.urls.desktop, run.urls.site].map(portOf);
    next = await startNpmStart({ cwd: REPO_ROOT, demoDir: join(dir, 'demo'), env, ports: { port: server, 'idp-port': idp, 'desktop-port': desktop, 'site-port': site } });
    assert.equal((await fetch(`${next.urls.server}/healthz`)).status, 200);
    assert.equal(portOf(next.urls.server), server, 'on the port the killed run held');
    assert.equal(portOf(next.urls.desktop), desktop);
  });
});
