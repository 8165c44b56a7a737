// Limits shared across nodes: a client that spreads its requests over the nodes (as a load
// balancer with no stickiness does) meets the same per-address limits as on one node. Real nodes
// with the product's limits (10 session creations per minute per address, lockout after 10
// failed agent handshakes), real Redis and PostgreSQL; each client is its own loopback address.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AGENT_TOKEN_HEADER } from '../../../common/protocol.js';
import { NET_LIMITS } from '../../../server/limits.js';
import type { ServerProcess } from '../server/helpers/server-process.js';
import { connect } from '../server/net-helpers/ws-client.js';
import { missingBinaries } from './helpers/binaries.js';
import { sleep } from './helpers/child-processes.js';
import { startClusterBackends, type ClusterBackends } from './helpers/cluster-backends.js';
import { createSessionOn, wsUrl } from './helpers/cluster-clients.js';

const TOKEN = '27182818284590452353602874';
/** A count reaches the other nodes within one Redis round trip; this is many of them. */
const SHARED_WITHIN_MS = 300;

describe('limits shared across nodes', { skip: missingBinaries(['redis-server', 'initdb', 'pg_ctl']) }, () => {
  let backends: ClusterBackends;
  let n1: ServerProcess;
  let n2: ServerProcess;

  before(async () => {
    backends = await startClusterBackends({ 'slave.password': TOKEN });
    [n1, n2] = await Promise.all([backends.cluster.startNode('n1'), backends.cluster.startNode('n2')]);
  });
  after(() => backends?.stop([n1, n2]));

  it('session creations per address: half on each node, then both nodes refuse the next', async () => {
    const from = '127.0.9.1';
    const limit = NET_LIMITS.sessionCreatesPerWindow;
    for (let i = 0; i < limit; i++) {
      const res = await createSessionOn(i % 2 === 0 ? n1 : n2, from);
      assert.equal(res.status, 201, `creation ${i + 1} of ${limit}: ${JSON.stringify(res.body)}`);
    }
    await sleep(SHARED_WITHIN_MS);
    for (const node of [n1, n2]) {
      const refused = await createSessionOn(node, from);
      assert.equal(refused.status, 429, `node ${node.url} refuses the ${limit + 1}th`);
      assert.equal(refused.body.code, 'SESSION_CREATE_RATE_LIMITED');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
    }
    // Per address, not for everyone: another customer still starts a session.
    assert.equal((await createSessionOn(n2, '127.0.9.2')).status, 201);
  });

  it('failed agent handshakes spread over both nodes lock the address out on both, the right token still admitted', async () => {
    const from = '127.0.9.3';
    const attempt = async (node: ServerProcess, token: string): Promise<{ status: number; code: unknown }> => {
      const handshake = await connect(wsUrl(node, '/cobrowse/agent'), { [AGENT_TOKEN_HEADER]: token }, { localAddress: from });
      if (handshake.ok) {
        handshake.socket.close();
        return { status: 101, code: null };
      }
      return { status: handshake.status, code: (handshake.body as { code?: unknown } | null)?.code };
    };
    assert.equal((await attempt(n1, TOKEN)).status, 101, 'the right token is admitted before');
    for (let i = 0; i < NET_LIMITS.authFailuresBeforeLockout; i++) {
      const wrong = await attempt(i % 2 === 0 ? n1 : n2, '00000000000000000000000000');
      assert.equal(wrong.status, 401, `failure ${i + 1}: ${JSON.stringify(wrong)}`);
      // Neither node alone has seen enough failures to lock: only the shared count locks.
      await sleep(20);
    }
    await sleep(SHARED_WITHIN_MS);
    for (const node of [n1, n2]) {
      // The address is locked on both nodes: another wrong token hears the lockout at once...
      const locked = await attempt(node, '11111111111111111111111111');
      assert.deepEqual(locked, { status: 429, code: 'AGENT_AUTH_LOCKED_OUT' }, `node ${node.url} locks the address`);
      // ...while an agent behind the same address with the right token is still admitted.
      assert.equal((await attempt(node, TOKEN)).status, 101, `node ${node.url} admits the right token`);
    }
  });
});
