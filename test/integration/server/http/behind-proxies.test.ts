// The server behind haproxy and nginx from Debian, run with docs/examples/haproxy.cfg and
// nginx.conf: TLS ends at the proxy, the server speaks plain HTTP on 127.0.0.1 and lists the proxy
// in trustedProxies. Clients from 127.0.0.2 and 127.0.0.3 show that every per-address limit is
// per real client through the proxy, that a forged X-Forwarded-For does not escape it, that an
// agent with the right token is admitted while others from its address are locked out, and that
// a live session is resumed through an address locked for guessing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { makeTestTls, type TestTls } from '../../../support/test-tls.js';
import { startProxy, type RunningProxy } from '../net-helpers/reverse-proxies.js';
import { CUSTOMER_ORIGIN, startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { connect, mustConnect } from '../net-helpers/ws-client.js';

const TOKEN = '31415926535897932384626433';
const WRONG = '31415926535897932384626434';
const A = '127.0.0.2';
const B = '127.0.0.3';

const LIMITS = {
  sessionCreatesPerWindow: 3,
  authFailuresBeforeSlowdown: 2,
  authSlowdownDelayMs: 50,
  authFailuresBeforeLockout: 3,
  joinFailuresPerConnection: 100,
  joinFailuresPerAddress: 3,
};

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

for (const name of ['haproxy', 'nginx'] as const) {
  describe(`behind ${name}, with trustedProxies`, () => {
    let tls: TestTls;
    let t: TestServer;
    let proxy: RunningProxy;

    before(async () => {
      tls = makeTestTls();
      t = await startTestServer({ token: TOKEN, limits: LIMITS, config: { trustedProxies: ['127.0.0.1'] } });
      proxy = await startProxy(name, t.server.port, tls);
    });
    after(async () => {
      await proxy.stop();
      await t.close();
    });

    const createSession = (from: string, headers: Record<string, string> = {}): Promise<Answer> =>
      new Promise((resolve, reject) => {
        const req = request(
          `${proxy.url}/cobrowse/rest/sessions`,
          { method: 'POST', ca: tls.caPem, localAddress: from, agent: false, headers: { origin: CUSTOMER_ORIGIN, 'content-type': 'application/json', ...headers } },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
    const agentFrom = (from: string, token: string) => connect(`${proxy.url.replace('https', 'wss')}/cobrowse/agent`, { 'X-Cobrowse-Agent-Token': token }, { ca: tls.caPem, localAddress: from });

    it('limits session creation per real client: A is refused after its quota, B is not, a forged X-Forwarded-For changes nothing', async () => {
      const fromA: number[] = [];
      for (let i = 0; i < 4; i += 1) fromA.push((await createSession(A)).status);
      assert.deepEqual(fromA, [201, 201, 201, 429]);
      const forged = await createSession(A, { 'X-Forwarded-For': '198.51.100.7' });
      assert.equal(forged.status, 429, 'the address A claims for itself is not believed');
      assert.equal(forged.body.code, 'SESSION_CREATE_RATE_LIMITED');
      assert.equal((await createSession(B)).status, 201, 'B behind the same proxy has its own quota');
      const refusal = t.log.warnings('SESSION_CREATE_RATE_LIMITED')[0];
      assert.equal(refusal?.remote, A, 'the log names the client, not the proxy');
    });

    it('an agent with the right token is admitted from an address whose wrong tokens are locked out; B is not locked', async () => {
      for (let i = 0; i < 3; i += 1) {
        const refused = await agentFrom(A, WRONG);
        assert.equal(refused.ok ? 'open' : refused.status, 401);
      }
      const locked = await agentFrom(A, WRONG);
      assert.equal(locked.ok ? 'open' : locked.body.code, 'AGENT_AUTH_LOCKED_OUT');
      const colleague = await agentFrom(A, TOKEN);
      assert.ok(colleague.ok, 'the right token is admitted from the locked address');
      assert.equal((await colleague.socket.next()).type, 'welcome');
      colleague.socket.close();
      const other = await agentFrom(B, '31415926535897932384626435');
      assert.equal(other.ok ? 'open' : `${other.status} ${String(other.body.code)}`, '401 AGENT_TOKEN_INVALID', 'B is judged on its own failures');
    });

    it('a live session is resumed through an address locked for code guessing', async () => {
      const created = await createSession(B);
      const { code, sessionId, customerSecret } = created.body as { code: string; sessionId: string; customerSecret: string };
      const customer = await mustConnect(`${proxy.url.replace('https', 'wss')}/cobrowse/customer`, { origin: CUSTOMER_ORIGIN }, { ca: tls.caPem, localAddress: B });
      customer.send({ type: 'hello', sessionId, secret: customerSecret });
      assert.equal((await customer.next()).type, 'ready');

      const first = await agentFrom(A, TOKEN);
      assert.ok(first.ok);
      await first.socket.next();
      first.socket.send({ type: 'join', code });
      const joined = await first.socket.next<{ type: string; resumeToken: string }>();
      assert.equal(joined.type, 'joined');

      // A guesser behind the same NAT burns the address's code attempts.
      const guesser = await agentFrom(A, TOKEN);
      assert.ok(guesser.ok);
      await guesser.socket.next();
      for (const wrong of ['000000001', '000000002', '000000003']) {
        guesser.socket.send({ type: 'join', code: wrong });
        assert.equal((await guesser.socket.next()).code, 'SESSION_CODE_UNKNOWN');
      }
      guesser.socket.send({ type: 'join', code: '000000004' });
      assert.equal((await guesser.socket.next()).code, 'SESSION_JOIN_RATE_LIMITED', 'the address is locked for joins');
      guesser.socket.close();

      // The agent's network drops; it comes back from the same address and resumes.
      first.socket.ws.terminate();
      const back = await agentFrom(A, TOKEN);
      assert.ok(back.ok);
      await back.socket.next();
      back.socket.send({ type: 'resume', resumeToken: joined.resumeToken });
      const resumed = await back.socket.next();
      assert.equal(resumed.type, 'joined', `resume answered ${JSON.stringify(resumed)}`);
      back.socket.close();
      customer.close();
    });
  });
}
