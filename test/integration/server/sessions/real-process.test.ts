import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PageFrameKind, type CreatedSession } from '../../../../common/protocol.js';
import { runCli, startServerProcess, tempServerDir, type ServerProcess } from '../helpers/server-process.js';
import { mustConnect, mustRefuse } from '../net-helpers/ws-client.js';

const TOKEN = '26535897932384626433832795';
const ORIGIN = 'https://shop.example.test';

describe('a co-browse session through the real agentdesk-server process and options store', () => {
  let tmp: ReturnType<typeof tempServerDir>;
  let server: ServerProcess;

  before(async () => {
    tmp = tempServerDir();
    const config = join(tmp.root, 'server.json');
    writeFileSync(config, JSON.stringify({ customerOrigins: [ORIGIN] }));
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN, '--data-dir', tmp.dataDir])).code, 0);
    server = await startServerProcess({ dataDir: tmp.dataDir, args: ['--config', config] });
  });
  after(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  it('refuses a wrong token, admits the stored one, relays a page frame byte-identical, and ends everything with 1001 on SIGTERM', async () => {
    const ws = server.url.replace(/^http/, 'ws');
    const refused = await mustRefuse(`${ws}/cobrowse/agent`, { 'X-Cobrowse-Agent-Token': '00000000000000000000000000' });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, 'AGENT_TOKEN_INVALID');
    await server.waitForLog((l) => l.code === 'AGENT_TOKEN_INVALID');

    const agent = await mustConnect(`${ws}/cobrowse/agent`, { 'X-Cobrowse-Agent-Token': TOKEN });
    assert.equal((await agent.next()).agentAuth, 'token');

    const res = await fetch(`${server.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: ORIGIN } });
    assert.equal(res.status, 201);
    const session = (await res.json()) as CreatedSession;
    const customer = await mustConnect(`${ws}/cobrowse/customer`, { origin: ORIGIN });
    customer.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
    assert.equal((await customer.next()).type, 'ready');
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    assert.equal((await customer.next()).type, 'agent-joined');

    const frame = Buffer.concat([Buffer.from([PageFrameKind.Snapshot]), randomBytes(100_000)]);
    customer.ws.send(frame);
    assert.ok((await agent.nextBinary()).equals(frame));

    const exit = await server.stop('SIGTERM');
    assert.equal(exit.code, 0);
    const ended = { type: 'session-ended', sessionId: session.sessionId, reason: 'server-shutdown' };
    assert.deepEqual(await agent.next(), ended);
    assert.deepEqual(await customer.next(), ended);
    assert.equal((await agent.waitClose()).code, 1001);
    assert.equal((await customer.waitClose()).code, 1001);
    const everything = server.stdoutLines().join('\n') + server.stderr();
    assert.ok(!everything.includes(TOKEN), 'the token never reaches the server output');
    assert.ok(!everything.includes(session.customerSecret), 'nor does the customer secret');
  });
});
