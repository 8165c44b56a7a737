import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { readKeyFile } from '../../../../server/crypto/key-file.js';
import { sealOption } from '../../../../server/crypto/option-cipher.js';
import { filesContaining, runCli, startServerProcess, tempServerDir, type ServerProcess } from '../helpers/server-process.js';

const TOKEN_A = '14142135623730950488016887';
const TOKEN_B = '17320508075688772935274463';

interface Agent {
  readonly ws: WebSocket;
  readonly welcome: { type: string; agentAuth: string };
  /** Resolves with the close code and when it arrived. */
  readonly closed: Promise<{ code: number; at: number }>;
}

/** Opens /cobrowse/agent like the desktop does; rejects with the HTTP status when refused. */
function connectAgent(serverUrl: string, token?: string): Promise<Agent> {
  const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/cobrowse/agent`, { headers: token ? { 'x-cobrowse-agent-token': token } : {} });
  const closed = new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
    ws.once('message', (data) => resolve({ ws, closed, welcome: JSON.parse(String(data)) as Agent['welcome'] }));
  });
}

/** Writes a sealed value that is not 26 digits, as a buggy or hostile second writer would. */
function writeInvalidToken(dataDir: string): void {
  const ring = readKeyFile(join(dataDir, 'options.key'))!;
  const sealed = sealOption(ring, { name: 'slave.password', validUntil: null }, 'not-a-token');
  const db = new Database(join(dataDir, 'agentdesk.db'));
  db.prepare(
    `INSERT INTO options (name, key_id, iv, tag, ciphertext, valid_until, updated_at) VALUES ('slave.password', ?, ?, ?, ?, NULL, ?)
     ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag, ciphertext = excluded.ciphertext`,
  ).run(sealed.keyId, sealed.iv, sealed.tag, sealed.ciphertext, Date.now());
  db.close();
}

describe('agentdesk-server serve', () => {
  let tmp: ReturnType<typeof tempServerDir>;
  let server: ServerProcess | undefined;
  const agents: Agent[] = [];
  const flags = (): string[] => ['--data-dir', tmp.dataDir];

  beforeEach(() => {
    tmp = tempServerDir();
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) a.ws.terminate();
    await server?.stop('SIGKILL');
    server = undefined;
    tmp.cleanup();
  });

  it('creates its data dir on first start, prints its URL, serves, and exits 0 on SIGTERM and SIGINT', async () => {
    server = await startServerProcess({ dataDir: tmp.dataDir });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server.stdoutLines().includes(`Co-browse server: ${server.url}`));
    assert.equal(statSync(join(tmp.dataDir, 'options.key')).mode & 0o777, 0o600);
    assert.ok(existsSync(join(tmp.dataDir, 'agentdesk.db')));
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null });

    server = await startServerProcess({ dataDir: tmp.dataDir });
    assert.deepEqual(await server.stop('SIGINT'), { code: 0, signal: null });
  });

  it('keeps the token across restarts and admits agents with it', async () => {
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN_A, ...flags()])).code, 0);
    for (let run = 0; run < 2; run++) {
      server = await startServerProcess({ dataDir: tmp.dataDir });
      const agent = await connectAgent(server.url, TOKEN_A);
      agents.push(agent);
      assert.equal(agent.welcome.agentAuth, 'token');
      await assert.rejects(connectAgent(server.url, TOKEN_B), { status: 401 });
      agent.ws.terminate();
      assert.equal((await server.stop()).code, 0);
    }
    assert.equal((await runCli(['options', 'get', 'slave.password', '--reveal', ...flags()])).stdout, `${TOKEN_A}\n`);
  });

  it('picks up a token set by the CLI within one second, without a restart', async () => {
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN_A, ...flags()])).code, 0);
    server = await startServerProcess({ dataDir: tmp.dataDir });
    const onOld = await connectAgent(server.url, TOKEN_A);
    agents.push(onOld);
    const set = await runCli(['options', 'set', 'slave.password', TOKEN_B, ...flags()]);
    const written = Date.now();
    assert.equal(set.code, 0, set.stderr);
    const { code, at } = await onOld.closed;
    assert.equal(code, 4001, 'the agent on the retired token is told its token rotated');
    assert.ok(at - written <= 1_000, `noticed after ${at - written} ms`);
    const onNew = await connectAgent(server.url, TOKEN_B);
    agents.push(onNew);
    assert.equal(onNew.welcome.agentAuth, 'token');
    const changed = await server.waitForLog((l) => l.msg === 'option slave.password changed');
    assert.equal(changed.set, true);
  });

  it('honours a rotation grace: the previous token works until it ends, then its agents are dropped', async () => {
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN_A, ...flags()])).code, 0);
    server = await startServerProcess({ dataDir: tmp.dataDir });
    const onOld = await connectAgent(server.url, TOKEN_A);
    agents.push(onOld);
    const rotated = await runCli(['options', 'set', 'slave.password', TOKEN_B, '--grace', '3', ...flags()]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const validUntil = Date.parse(/valid until (\S+)/.exec(rotated.stdout)![1]!);
    await server.waitForLog((l) => l.msg === 'option slave.password changed' && l.previousValidUntil !== null);
    const lateOld = await connectAgent(server.url, TOKEN_A);
    agents.push(lateOld);
    assert.equal(lateOld.welcome.agentAuth, 'token', 'the previous token is still accepted during the grace');
    const [first, second] = await Promise.all([onOld.closed, lateOld.closed]);
    for (const closed of [first, second]) {
      assert.equal(closed.code, 4001);
      assert.ok(closed.at >= validUntil - 50, 'not dropped before the grace ended');
      assert.ok(closed.at - validUntil <= 1_000, `dropped ${closed.at - validUntil} ms after the grace`);
    }
    await assert.rejects(connectAgent(server.url, TOKEN_A), { status: 401 });
  });

  it('refuses to start on a stored value that is not 26 digits: exit 78 naming slave.password', async () => {
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN_A, ...flags()])).code, 0);
    writeInvalidToken(tmp.dataDir);
    await assert.rejects(startServerProcess({ dataDir: tmp.dataDir }), (err: Error & { code?: number; stderr?: string }) => {
      assert.equal(err.code, 78);
      assert.match(err.stderr ?? '', /stored option slave\.password is not 26 digits.*SERVER_STORED_AGENT_TOKEN_INVALID/);
      assert.equal((err.stderr ?? '').trim().split('\n').length, 1);
      return true;
    });
  });

  it('ignores an invalid value written while it runs, keeps the old token and warns naming the option', async () => {
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN_A, ...flags()])).code, 0);
    server = await startServerProcess({ dataDir: tmp.dataDir });
    writeInvalidToken(tmp.dataDir);
    const warning = await server.waitForLog((l) => l.level === 40 && l.option === 'slave.password', 2_000);
    assert.match(String(warning.msg), /slave\.password/);
    const agent = await connectAgent(server.url, TOKEN_A);
    agents.push(agent);
    assert.equal(agent.welcome.agentAuth, 'token');
  });

  it('never lets the token reach its logs or any file of the data dir', async () => {
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN_A, ...flags()])).code, 0);
    server = await startServerProcess({ dataDir: tmp.dataDir });
    agents.push(await connectAgent(server.url, TOKEN_A));
    await assert.rejects(connectAgent(server.url, TOKEN_B), { status: 401 });
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN_B, '--grace', '60', ...flags()])).code, 0);
    await server.waitForLog((l) => l.msg === 'option slave.password changed');
    assert.equal((await runCli(['options', 'clear', 'slave.password', ...flags()])).code, 0);
    await server.waitForLog((l) => l.msg === 'option slave.password changed' && l.set === false);
    const output = `${server.stdoutLines().join('\n')}\n${server.stderr()}`;
    assert.equal((await server.stop()).code, 0);
    assert.ok(output.length > 0);
    for (const token of [TOKEN_A, TOKEN_B]) {
      assert.ok(!output.includes(token), 'token in the server output');
      assert.deepEqual(filesContaining(tmp.root, token), []);
    }
    assert.doesNotMatch(output, /\d{26}/);
  });

  it('exits 78 with one line naming the field of a bad config file', async () => {
    const config = join(tmp.root, 'config.json');
    writeFileSync(config, JSON.stringify({ agentAuth: 'strict' }));
    await assert.rejects(startServerProcess({ dataDir: tmp.dataDir, args: ['--config', config] }), (err: Error & { code?: number; stderr?: string }) => {
      assert.equal(err.code, 78);
      assert.equal(err.stderr, `agentdesk-server: ${config}: agentAuth must be "compatible" or "required" [SERVER_CONFIG_INVALID]\n`);
      return true;
    });
    assert.equal(existsSync(tmp.dataDir), false, 'a bad config creates nothing');
  });

  it('applies the capacity limits of its config file: a third session a minute from one address is refused', async () => {
    const config = join(tmp.root, 'config.json');
    writeFileSync(config, JSON.stringify({ customerOrigins: ['https://shop.example.test'], limits: { sessionCreatesPerWindow: 2 } }));
    server = await startServerProcess({ dataDir: tmp.dataDir, args: ['--config', config] });
    const create = (): Promise<Response> => fetch(`${server!.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: 'https://shop.example.test' } });
    assert.deepEqual([(await create()).status, (await create()).status], [201, 201]);
    const third = await create();
    assert.equal(third.status, 429);
    assert.equal(((await third.json()) as { code: string }).code, 'SESSION_CREATE_RATE_LIMITED');
  });

  it('exits 78 naming a config limit out of range', async () => {
    const config = join(tmp.root, 'config.json');
    writeFileSync(config, JSON.stringify({ limits: { maxConnectionsPerAddress: 0 } }));
    await assert.rejects(startServerProcess({ dataDir: tmp.dataDir, args: ['--config', config] }), (err: Error & { code?: number; stderr?: string }) => {
      assert.equal(err.code, 78);
      assert.equal(err.stderr, `agentdesk-server: ${config}: limits.maxConnectionsPerAddress must be a whole number from 1 to 1000000 [SERVER_CONFIG_INVALID]\n`);
      return true;
    });
  });

  it('exits 78 when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await assert.rejects(startServerProcess({ dataDir: tmp.dataDir, args: ['--port', String(port)] }), (err: Error & { code?: number; stderr?: string }) => {
        assert.equal(err.code, 78);
        assert.match(err.stderr ?? '', new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\).*SERVER_LISTEN_FAILED`));
        return true;
      });
    } finally {
      blocker.close();
    }
  });
});
