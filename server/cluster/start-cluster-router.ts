// Wires cluster mode's socket routing into one node: the relay bus on the node's Redis link, the
// session homes index, this node's liveness key and the router in front of the hub.
import type { Logger } from 'pino';
import type { NetLimits } from '../limits.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { SessionHub } from '../ws/session-hub.js';
import { ClusterRouter } from './cluster-router.js';
import { NodeLiveness } from './node-liveness.js';
import type { RedisLink } from './redis-link.js';
import { SessionHomes } from './session-homes.js';
import { SessionRelayBus } from './session-relay-bus.js';

export interface RunningClusterRouter {
  readonly router: ClusterRouter;
  addAgent: ClusterRouter['addAgent'];
  addCustomer: ClusterRouter['addCustomer'];
  /** Records this node as the home of a session it created, before its creator hears of it: the
   *  customer's socket may reach any node, which finds the session by this record. Unless
   *  'recorded', the session has been ended: its code is live elsewhere in the cluster, or Redis
   *  did not take the record. */
  sessionCreated(sessionId: string): Promise<'recorded' | 'code-taken' | 'unavailable'>;
  /** Drains: shares every homed session's state, forgets this node's liveness, asks every client to reconnect. */
  shutdown(): Promise<void>;
}

export function startClusterRouter(cluster: { readonly link: RedisLink; readonly node: string }, hub: SessionHub, store: SessionStore, limits: NetLimits, logger: Logger): RunningClusterRouter {
  const liveness = new NodeLiveness(cluster.link, cluster.node);
  const router = new ClusterRouter({
    hub,
    node: cluster.node,
    bus: new SessionRelayBus(cluster.link, logger),
    homes: new SessionHomes(cluster.link),
    liveness,
    logger,
    limits,
    sessionIsLive: (id) => hub.liveSession(id) !== undefined,
    sessionState: async (id) => {
      const s = await store.findById(id);
      if (!s) return null;
      return {
        id: s.id,
        code: s.code,
        secretDigest: s.secretDigest.toString('hex'),
        customerOrigin: s.customerOrigin,
        expiresAt: s.expiresAt,
        joined: s.joined,
        control: s.control,
        agentSub: s.agentSub,
        resumeDigest: s.resumeDigest,
        page: s.page,
        auditRows: s.auditRows,
      };
    },
    adopt: async (state) => {
      const { customerSeen, lastActionId: _lastActionId, secretDigest, ...rest } = state;
      await hub.adoptSession({ ...rest, secretDigest: Buffer.from(secretDigest, 'hex') }, customerSeen);
    },
  });
  return {
    router,
    addAgent: (ws, address, admission) => router.addAgent(ws, address, admission),
    addCustomer: (ws, address, origin, helloAccepted) => router.addCustomer(ws, address, origin, helloAccepted),
    async sessionCreated(sessionId) {
      const session = hub.liveSession(sessionId);
      if (!session) return 'unavailable';
      let outcome: 'recorded' | 'code-taken' | 'unavailable';
      try {
        outcome = (await router.sessionCreated(sessionId, session.code)) ? 'recorded' : 'code-taken';
      } catch (err) {
        logger.warn({ code: 'SERVER_CLUSTER_UNAVAILABLE', sessionId, err: err instanceof Error ? err.message : String(err) }, "cannot record the new session's home in Redis; the session is refused");
        outcome = 'unavailable';
      }
      if (outcome !== 'recorded') session.end('server-shutdown');
      return outcome;
    },
    async shutdown() {
      await router.drain(() => liveness.stop(true));
    },
  };
}
