// The running server watches its database file, and the CLI refuses to make a database the server
// would never read: the real agentdesk-server process, its data dir, and the real CLI.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PageFrameKind, type CreatedSession } from '../../../../common/protocol.js';
import { runCli, startServerProcess, tempServerDir, type ServerProcess } from '../helpers/server-process.js';
import { mustConnect, type TestSocket } from '../net-helpers/ws-client.js';

const TOKEN = '31415926535897932384626433';
const NEW_TOKEN = '27182818284590452353602874';
const ORIGIN = 'https://shop.example.test';
/** The watch stats once a second; the refusal must be in place well within this. */
const NOTICED_WITHIN_MS = 4_000;

interface LiveSession {
  readonly session: CreatedSession;
  readonly agent: TestSocket;
  readonly customer: TestSocket;
  readonly resumeToken: string;
}

describe('the server watches its database file; the CLI never makes one it would not read', () => {
  let tmp: ReturnType<typeof tempServerDir>;
  let server: ServerProcess | undefined;
  const sockets: TestSocket[] = [];
  const dbFile = (): string => join(tmp.dataDir, 'agentdesk.db');
  const flags = (): string[] => ['--data-dir', tmp.dataDir];
  const ws = (path: string): string => `${server!.url.replace(/^http/, 'ws')}${path}`;

  beforeEach(async () => {
    tmp = tempServerDir();
    const config = join(tmp.root, 'server.json');
    writeFileSync(config, JSON.stringify({ customerOrigins: [ORIGIN] }));
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN, ...flags()])).code, 0);
    server = await startServerProcess({ dataDir: tmp.dataDir, args: ['--config', config] });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.ws.terminate();
    await server?.stop('SIGKILL');
    server = undefined;
    tmp.cleanup();
  });

  const postSession = (): Promise<Response> => fetch(`${server!.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: ORIGIN } });

  async function agent(token = TOKEN): Promise<TestSocket> {
    const socket = await mustConnect(ws('/cobrowse/agent'), { 'X-Cobrowse-Agent-Token': token });
    sockets.push(socket);
    assert.equal((await socket.next()).type, 'welcome');
    return socket;
  }

  async function waitingSession(): Promise<{ session: CreatedSession; customer: TestSocket }> {
    const res = await postSession();
    assert.equal(res.status, 201);
    const session = (await res.json()) as CreatedSession;
    const customer = await mustConnect(ws('/cobrowse/customer'), { origin: ORIGIN });
    sockets.push(customer);
    customer.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
    assert.equal((await customer.next()).type, 'ready');
    return { session, customer };
  }

  async function liveSession(token = TOKEN): Promise<LiveSession> {
    const { session, customer } = await waitingSession();
    const a = await agent(token);
    a.send({ type: 'join', code: session.code });
    const joined = await a.next<{ type: string; resumeToken: string }>();
    assert.equal(joined.type, 'joined');
    assert.equal((await customer.next()).type, 'agent-joined');
    return { session, agent: a, customer, resumeToken: joined.resumeToken };
  }

  async function assertRelays(from: TestSocket, to: TestSocket): Promise<void> {
    const frame = Buffer.concat([Buffer.from([PageFrameKind.Snapshot]), randomBytes(10_000)]);
    from.ws.send(frame);
    assert.ok((await to.nextBinary()).equals(frame), 'the page frame arrives byte-identical');
  }

  /** Every refusal a newcomer meets once the server lost its database. */
  async function assertAdmissionStopped(): Promise<void> {
    const created = await postSession();
    assert.equal(created.status, 503);
    assert.equal(((await created.json()) as { code: string }).code, 'SERVER_DATABASE_GONE');
    const ready = await fetch(`${server!.url}/readyz`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { code: string; message: string };
    assert.equal(body.code, 'SERVER_DATABASE_GONE');
    assert.match(body.message, /Restart the server/);
    assert.equal((await fetch(`${server!.url}/healthz`)).status, 200, 'the process itself is alive');
  }

  async function assertCliRefused(args: string[]): Promise<void> {
    const result = await runCli(args);
    assert.equal(result.code, 78, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /\[SERVER_DATABASE_GONE\]/);
    assert.match(result.stderr, /Restart the server/);
    assert.ok(result.stderr.includes(tmp.dataDir), 'the message names the data dir');
    assert.equal(result.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
  }

  it('a deleted database stops admission within seconds, keeps live sessions relaying, and the CLI makes no new one', async () => {
    const live = await liveSession();
    const waiting = await waitingSession();

    rmSync(dbFile());
    const error = await server!.waitForLog((l) => l.code === 'SERVER_DATABASE_GONE', NOTICED_WITHIN_MS);
    assert.equal(error.level, 50);
    assert.equal(error.path, dbFile());
    assert.equal(error.loss, 'missing');
    assert.match(String(error.msg), /Restart the server/);
    await assertAdmissionStopped();

    // The live session goes on, both ways, and its agent may come back after a dropped link.
    await assertRelays(live.customer, live.agent);
    live.agent.ws.terminate();
    const back = await agent();
    back.send({ type: 'resume', resumeToken: live.resumeToken });
    assert.equal((await back.next()).type, 'joined');
    await assertRelays(live.customer, back);

    // No new co-browse session begins: a waiting code cannot be joined.
    const newcomer = await agent();
    newcomer.send({ type: 'join', code: waiting.session.code });
    assert.equal((await newcomer.next()).code, 'SERVER_DATABASE_GONE');

    await assertCliRefused(['options', 'set', 'slave.password', NEW_TOKEN, ...flags()]);
    await assertCliRefused(['options', 'get', 'slave.password', ...flags()]);
    await assertCliRefused(['options', 'clear', 'slave.password', ...flags()]);
    await assertCliRefused(['options', 'set', 'admin.apiKey', 'k'.repeat(40), ...flags()]);
    assert.equal(existsSync(dbFile()), false, 'no new database was made next to the running server');

    // One error line, not one per check.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(server!.logs().filter((l) => l.code === 'SERVER_DATABASE_GONE').length, 1);

    // A restart makes a new, empty database and says out loud what that means.
    await server!.stop('SIGTERM');
    server = await startServerProcess({ dataDir: tmp.dataDir, args: ['--config', join(tmp.root, 'server.json')] });
    const emptied = await server.waitForLog((l) => l.level === 40 && l.keyFile === join(tmp.dataDir, 'options.key'));
    assert.match(String(emptied.msg), /did not exist and was made empty/);
    const open = await server.waitForLog((l) => l.level === 40 && l.agentAuth === 'compatible' && l.option === 'slave.password');
    assert.match(String(open.msg), /agents are admitted without any authentication/);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    assert.equal((await runCli(['options', 'set', 'slave.password', NEW_TOKEN, ...flags()])).code, 0, 'after the restart the CLI works again');
  });

  it('a database replaced by another file stops admission; options set on the intact database worked before', async () => {
    // Before: the CLI next to the running server changes the token, and the server picks it up.
    const set = await runCli(['options', 'set', 'slave.password', NEW_TOKEN, ...flags()]);
    assert.equal(set.code, 0, set.stderr);
    await server!.waitForLog((l) => l.option === 'slave.password' && l.msg === 'option slave.password changed');
    const live = await liveSession(NEW_TOKEN);

    // Another database (its own key file and token) moved over the server's.
    const other = tempServerDir();
    try {
      assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN, '--data-dir', other.dataDir])).code, 0);
      renameSync(join(other.dataDir, 'agentdesk.db'), dbFile());
    } finally {
      other.cleanup();
    }
    const before = readFileSync(dbFile());
    const error = await server!.waitForLog((l) => l.code === 'SERVER_DATABASE_GONE', NOTICED_WITHIN_MS);
    assert.equal(error.loss, 'replaced');
    await assertAdmissionStopped();
    await assertRelays(live.customer, live.agent);
    await assertCliRefused(['options', 'set', 'slave.password', TOKEN, ...flags()]);
    assert.ok(readFileSync(dbFile()).equals(before), 'the replacement file was not written');
  });

  it('an emptied data dir gets the server lock back, so the CLI still makes no database there', async () => {
    rmSync(tmp.dataDir, { recursive: true });
    const error = await server!.waitForLog((l) => l.code === 'SERVER_DATABASE_GONE', NOTICED_WITHIN_MS);
    assert.equal(error.loss, 'missing');
    await assertAdmissionStopped();
    const deadline = Date.now() + NOTICED_WITHIN_MS;
    while (!existsSync(join(tmp.dataDir, 'server.lock')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await assertCliRefused(['options', 'set', 'slave.password', NEW_TOKEN, ...flags()]);
    assert.equal(existsSync(dbFile()), false);
    assert.equal(existsSync(join(tmp.dataDir, 'options.key')), false, 'nor a new key file');
  });

  it('stays refused when the very file comes back, until a restart', async () => {
    renameSync(dbFile(), `${dbFile()}.moved`);
    await server!.waitForLog((l) => l.code === 'SERVER_DATABASE_GONE', NOTICED_WITHIN_MS);
    renameSync(`${dbFile()}.moved`, dbFile());
    await new Promise((r) => setTimeout(r, 2_000));
    await assertAdmissionStopped();
    await server!.stop('SIGTERM');
    server = await startServerProcess({ dataDir: tmp.dataDir, args: ['--config', join(tmp.root, 'server.json')] });
    assert.equal((await postSession()).status, 201);
    await agent(NEW_TOKEN).then(
      () => assert.fail('a token never set was admitted'),
      (err: Error) => assert.match(err.message, /401/),
    );
    await agent(TOKEN);
  });
});
