import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { clientAddresses } from '../../../../server/http/client-address.js';
import { createHttpHandler, pathOf } from '../../../../server/http/http-handler.js';
import { RefusalLog } from '../../../../server/log/refusal-log.js';
import { NET_LIMITS } from '../../../../server/limits.js';
import { NetMetrics } from '../../../../server/metrics/net-metrics.js';
import { WindowCounter } from '../../../../server/policy/window-counter.js';
import { MemorySessionStore } from '../../../../server/sessions/memory-session-store.js';
import { AuditStore } from '../../../../server/store/audit-store.js';

describe('HTTP handler while shutting down', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const clock = () => Date.now();
    server = createServer(
      createHttpHandler({
        config: { host: '127.0.0.1', port: 0, dataDir: '', keyFile: '', agentAuth: 'compatible', oidc: null, customerOrigins: ['https://a.test'] },
        limits: NET_LIMITS,
        logger: pino({ level: 'silent' }),
        metrics: new NetMetrics(),
        createSession: (origin) => new MemorySessionStore(NET_LIMITS, clock).create(origin),
        sessionCreates: new WindowCounter(60_000, clock),
        isShuttingDown: () => true,
        snippetFile: '/nonexistent/agentdesk-cobrowse.js',
        audit: AuditStore.inMemory(),
        adminKey: () => 'ok',
        adminFailures: new WindowCounter(60_000, clock),
        addresses: clientAddresses([]),
        refusals: new RefusalLog(pino({ level: 'silent' }), clock),
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('readyz answers 503 SERVER_SHUTTING_DOWN while healthz stays 200', async () => {
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { code: string }).code, 'SERVER_SHUTTING_DOWN');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  it('new sessions and tokens are refused with 503', async () => {
    const created = await fetch(`${base}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: 'https://a.test' } });
    assert.equal(created.status, 503);
    assert.equal((await fetch(`${base}/cobrowse/rest/authtoken`)).status, 503);
  });
});

describe('pathOf', () => {
  it('drops the query and refuses targets that are not paths', () => {
    assert.equal(pathOf('/cobrowse/agent?token=1'), '/cobrowse/agent');
    assert.equal(pathOf('http://elsewhere/x'), null);
    assert.equal(pathOf(undefined), null);
  });
});
