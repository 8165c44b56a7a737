import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import WebSocket from 'ws';
import type { ApiOperation } from '../../../common/api.js';
import type { DesktopApp } from '../../../src/app/desktop-app-types.js';
import { SIGNED_OUT_STATE } from '../../support/app-state.js';
import { startHostServer, type HostServer } from '../../../src/host/host-server.js';

const STATE = SIGNED_OUT_STATE;

/** A DesktopApp that records calls: the host's job is transport and guarding, not the core. */
function recordingApp(calls: { op: ApiOperation; args: unknown }[]): DesktopApp {
  return {
    start: async () => {},
    dispatch: async (op, args) => {
      calls.push({ op, args });
      return { ok: true, value: op === 'getState' ? STATE : null };
    },
    state: () => STATE,
    onState: () => () => {},
    onPageFrame: () => () => {},
    handleArgv: async () => false,
    handleOpenUrl: async () => false,
    dispose: async () => {},
  };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser shell host server', () => {
  const calls: { op: ApiOperation; args: unknown }[] = [];
  const KEY = 'launch-key-for-this-test-0123456789';
  let host: HostServer;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentdesk-host-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>AgentDesk</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'agentdesk-outside.js'), 'secret');
    host = await startHostServer({ app: recordingApp(calls), rendererDir: dir, key: KEY, logger: pino({ level: 'silent' }) });
  });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the UI with a strict CSP, and nothing outside the bundle', async () => {
    assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/#key=/);
    const page = await fetch(`${host.origin}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal((await fetch(`${host.origin}/assets/app.js`)).status, 200);
    assert.equal((await get(`${host.origin}/..%2fagentdesk-outside.js`)).status, 404);
    assert.equal((await get(`${host.origin}/%2e%2e/%2e%2e/etc/passwd`)).status, 404);
  });

  it('refuses requests for another Host name (DNS rebinding)', async () => {
    const answer = await get(`${host.origin}/`, { host: 'evil.example:80' });
    assert.equal(answer.status, 421);
  });

  function connect(origin: string): WebSocket {
    return new WebSocket(`${host.origin.replace('http', 'ws')}/api`, { origin });
  }

  it('refuses the API socket from another origin before the upgrade', async () => {
    const ws = connect('https://evil.example');
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 403);
  });

  it('closes a socket that does not present the launch key, without running any call', async () => {
    const ws = connect(host.origin);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', key: 'wrong-key' }));
    ws.send(JSON.stringify({ type: 'call', id: 1, op: 'signOut', args: [] }));
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    assert.equal(code, 4401);
    assert.ok(!calls.some((c) => c.op === 'signOut'));
  });

  it('carries calls for the page that holds the key, and refuses unknown operations', async () => {
    const ws = connect(host.origin);
    const messages: { type: string; id?: number; result?: { ok: boolean; error?: { code: string } } }[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', key: KEY }));
    ws.send(JSON.stringify({ type: 'call', id: 7, op: 'join', args: ['123456789'] }));
    ws.send(JSON.stringify({ type: 'call', id: 8, op: 'readAgentToken', args: [] }));
    const deadline = Date.now() + 5_000;
    while (messages.filter((m) => m.type === 'result').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    assert.equal(messages[0]?.type, 'welcome');
    assert.deepEqual(calls.at(-1), { op: 'join', args: ['123456789'] });
    assert.equal(messages.find((m) => m.id === 7)?.result?.ok, true);
    assert.equal(messages.find((m) => m.id === 8)?.result?.error?.code, 'API_ARGUMENT_INVALID');
  });
});
