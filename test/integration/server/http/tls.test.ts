// The server with `tls` in its config: https and wss with a CA made by the test (openssl), a
// renewed certificate picked up live without dropping the open session, and files that do not
// load refused at start with a code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { AgentDeskError } from '../../../../common/errors.js';
import { loadTlsFiles } from '../../../../server/http/tls-files.js';
import { makeTestTls, type TestTls } from '../../../support/test-tls.js';
import { CUSTOMER_ORIGIN, startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { mustConnect } from '../net-helpers/ws-client.js';

/** GET over https trusting only `ca`; resolves with the status and the served certificate's issuer. */
function get(url: string, ca: string): Promise<{ status: number; issuer: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      const issuer = String((res.socket as TLSSocket).getPeerCertificate().issuer.CN);
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, issuer }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS end to end', () => {
  let dir: string;
  let first: TestTls;
  let renewed: TestTls;
  let t: TestServer;
  const files = () => ({ cert: join(dir, 'server.pem'), key: join(dir, 'server.key') });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentdesk-tls-server-'));
    first = makeTestTls();
    renewed = makeTestTls();
    writeFileSync(files().cert, first.certPem);
    writeFileSync(files().key, first.keyPem);
    t = await startTestServer({ config: { tls: files() } });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https and wss with the configured certificate; a client trusting another CA is refused', async () => {
    assert.match(t.server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await get(`${t.server.url}/healthz`, first.caPem);
    assert.equal(health.status, 200);
    await assert.rejects(get(`${t.server.url}/healthz`, renewed.caPem), /self[- ]signed|unable to verify|certificate/i);

    const customer = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN }, { ca: first.caPem });
    assert.match(t.wsUrl('/x'), /^wss:/);
    customer.close();
  });

  it('a renewed certificate is served to new connections without a restart, and the open session stays', async () => {
    const created = await new Promise<{ sessionId: string; customerSecret: string }>((resolve, reject) => {
      const req = request(`${t.server.url}/cobrowse/rest/sessions`, { method: 'POST', ca: first.caPem, agent: false, headers: { origin: CUSTOMER_ORIGIN, 'content-type': 'application/json' } }, (r) => {
        let text = '';
        r.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(JSON.parse(text) as { sessionId: string; customerSecret: string }));
      });
      req.on('error', reject);
      req.end('{}');
    });
    const customer = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN }, { ca: first.caPem });
    customer.send({ type: 'hello', sessionId: created.sessionId, secret: created.customerSecret });
    assert.equal((await customer.next()).type, 'ready');

    // As renewal tools do: write the new files beside the old ones, then rename over them.
    writeFileSync(`${files().key}.new`, renewed.keyPem);
    writeFileSync(`${files().cert}.new`, renewed.certPem);
    renameSync(`${files().key}.new`, files().key);
    renameSync(`${files().cert}.new`, files().cert);
    const started = Date.now();
    let served = '';
    while (Date.now() - started < 10_000) {
      const answer = await get(`${t.server.url}/healthz`, `${first.caPem}\n${renewed.caPem}`);
      served = answer.issuer;
      if (answer.status === 200 && (await get(`${t.server.url}/healthz`, renewed.caPem).then(() => true, () => false))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await get(`${t.server.url}/healthz`, renewed.caPem)).status, 200, `still serving the old certificate (issuer ${served})`);
    assert.ok(t.log.lines().some((l) => l.msg === 'TLS certificate reloaded'));

    // The socket opened before the change is still live: a ping is answered, it was not closed.
    const pong = new Promise<void>((resolve) => customer.ws.once('pong', () => resolve()));
    customer.ws.ping();
    await pong;
    assert.equal(customer.ws.readyState, customer.ws.OPEN);
    customer.close();
  });

  it('files that do not make a certificate and matching key are refused with SERVER_TLS_FILES_UNUSABLE', () => {
    const mismatched = join(dir, 'mismatch.key');
    writeFileSync(mismatched, first.keyPem);
    const wrongPair = () => loadTlsFiles({ cert: join(dir, 'server.pem'), key: mismatched });
    assert.throws(wrongPair, (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_TLS_FILES_UNUSABLE' && /mismatch/i.test(err.message));
    assert.throws(() => loadTlsFiles({ cert: join(dir, 'absent.pem'), key: mismatched }), (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_TLS_FILES_UNUSABLE' && /ENOENT/.test(err.message));
  });
});
