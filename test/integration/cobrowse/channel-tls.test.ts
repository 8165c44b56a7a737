// The desktop's co-browse channel against the real server serving TLS with a CA made by the test:
// a certificate it cannot trust is reported in plain words and never bypassed; trusting the CA
// (as an administrator's CA file or the OS store give it) connects.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDeskError, ERROR_MESSAGES } from '../../../common/errors.js';
import { createCobrowseChannel, type CobrowseChannelOptions } from '../../../src/cobrowse/cobrowse-channel.js';
import { makeTestTls, type TestTls } from '../../support/test-tls.js';
import { readTrustedCaFile, withTrustedCaFile } from '../../../src/trusted-ca-file.js';
import { startTestServer, type TestServer } from '../server/net-helpers/test-server.js';
import { waitFor } from './helpers/wait-for-state.js';

describe('co-browse channel over TLS', () => {
  let tls: TestTls;
  let dir: string;
  let t: TestServer;
  before(async () => {
    tls = makeTestTls();
    dir = mkdtempSync(join(tmpdir(), 'agentdesk-channel-tls-'));
    writeFileSync(join(dir, 'cert.pem'), tls.certPem);
    writeFileSync(join(dir, 'key.pem'), tls.keyPem);
    t = await startTestServer({ config: { tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } } });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (serverUrl: string, options: Partial<CobrowseChannelOptions> = {}) =>
    createCobrowseChannel({ serverUrl, getAgentToken: async () => null, limits: { backoffBaseMs: 50, backoffCapMs: 200 }, ...options });

  it('an untrusted certificate stops the connection with COBROWSE_CERT_UNTRUSTED in plain words', async () => {
    const c = open(t.server.url);
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'reconnecting', 'a certificate error');
    assert.deepEqual(st.connection.status === 'reconnecting' ? st.connection.lastError : null, { code: 'COBROWSE_CERT_UNTRUSTED', message: ERROR_MESSAGES.COBROWSE_CERT_UNTRUSTED });
    await new Promise((r) => setTimeout(r, 300));
    assert.notEqual(c.state().connection.status, 'connected', 'never bypassed: it keeps failing the same way');
    await c.close();
  });

  it("the administrator's CA file, added to the built-in list, is trusted: connected over wss", async () => {
    writeFileSync(join(dir, 'company-ca.pem'), tls.caPem);
    const ca = withTrustedCaFile(undefined, readTrustedCaFile(join(dir, 'company-ca.pem')));
    assert.ok(ca && ca.length > 100, 'the built-in roots are kept beside the file');
    const trusted = open(t.server.url, { socketOptions: async () => ({ ca }) });
    trusted.connect();
    const st = await waitFor(trusted, (x) => x.connection.status === 'connected', 'connected');
    assert.deepEqual(st.connection, { status: 'connected', agentAuth: 'none' });
    await trusted.close();
  });

  it('a CA file that holds a server certificate (not a CA) or no certificate is refused with CA_FILE_UNUSABLE', () => {
    writeFileSync(join(dir, 'not-a-ca.pem'), tls.certPem);
    writeFileSync(join(dir, 'empty.pem'), 'nothing here');
    const refused = (what: RegExp) => (err: unknown) => err instanceof AgentDeskError && err.code === 'CA_FILE_UNUSABLE' && what.test(err.message);
    assert.throws(() => readTrustedCaFile(join(dir, 'not-a-ca.pem')), refused(/is not a CA certificate/));
    assert.throws(() => readTrustedCaFile(join(dir, 'empty.pem')), refused(/holds no PEM certificate/));
    assert.throws(() => readTrustedCaFile(join(dir, 'absent.pem')), refused(/ENOENT/));
  });
});
