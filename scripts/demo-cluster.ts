// `npm run demo:cluster`: a local co-browse cluster on 127.0.0.1, from Debian's packages. Redis,
// PostgreSQL 15 (a temp cluster) and haproxy (round robin, no stickiness, health checks on
// /readyz), three co-browse server nodes sharing them, the development identity provider, the demo
// customer site and the agent desktop's browser shell, both pointed at the load balancer.
//
// While co-browsing, the demo prints which node runs each session (its home) with its pid: kill
// that node (`kill -9 PID`) and both sides reconnect through haproxy to the other nodes; the
// session goes on and the agent gets a fresh snapshot. Missing packages are installed when run as
// root (scripts/install-system-deps.sh, through npm's bootstrap), named otherwise.
//
// Ctrl-C stops everything. If this process dies any other way (kill -9), the nodes and the desktop
// stop through scripts/exit-with-parent.mjs, Redis and haproxy get a parent-death signal and a
// guard stops PostgreSQL (test/integration/cluster/helpers, shared with the cluster tests so the
// demo runs the servers exactly as they are tested).
//
// Usage: npm run demo:cluster [-- --port LB_PORT] [--idp-port PORT] [--desktop-port PORT] [--site-port PORT] [--nodes N] [--demo-dir DIR] [--no-open]
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startIdentityProvider } from '../demo/identity-provider.js';
import { startCustomerSite } from '../demo/site/serve-site.js';
import { missingBinaries } from '../test/integration/cluster/helpers/binaries.js';
import { waitUntil } from '../test/integration/cluster/helpers/child-processes.js';
import { freePort } from '../test/integration/cluster/helpers/free-port.js';
import { startHaproxy } from '../test/integration/cluster/helpers/haproxy.js';
import { startPostgres } from '../test/integration/cluster/helpers/postgres-server.js';
import { startRedis } from '../test/integration/cluster/helpers/redis-server.js';
import { build } from './build.js';
import { COBROWSE_AUDIENCE, DEMO_AGENT, DEMO_CLIENT_ID, announcedUrl, childEnv, exitWithParent, randomToken, startDesktopChild, stopAll, type Child } from './demo.js';

const root = resolve(import.meta.dirname, '..');
const serverBin = join(root, 'bin/agentdesk-server.js');
const SERVERS = ['redis-server', 'initdb', 'pg_ctl', 'haproxy'] as const;
/** How often the demo looks up where each session runs (a SCAN of the home keys). */
const HOME_WATCH_MS = 1000;

interface DemoNode {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  readonly child: Child;
}

function cli(args: readonly string[], input = ''): { code: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [serverBin, ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: run.status, stderr: run.stderr };
}

function startNode(name: string, port: number, demoDir: string, configFile: string): Promise<DemoNode> {
  const proc = spawn(process.execPath, [...exitWithParent, serverBin, 'serve', '--data-dir', join(demoDir, name), '--port', String(port), '--config', configFile], {
    cwd: root,
    env: { ...childEnv, AGENTDESK_NODE_NAME: name },
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    // Its own process group: Ctrl-C reaches the demo only, which then stops the children in order.
    detached: true,
  });
  const log = createWriteStream(join(demoDir, `${name}.log`), { flags: 'a', mode: 0o600 });
  return announcedUrl(proc, name, 'Co-browse server: ', (line) => log.write(`${line}\n`), () => log.end(), `; see ${join(demoDir, `${name}.log`)}`).then(({ child, url }) => ({
    name,
    pid: proc.pid!,
    url,
    port,
    child,
  }));
}

/** Prints a line whenever a session appears on a node or moves to another one (after a failover). */
function watchHomes(redisUrl: string, nodes: readonly DemoNode[]): () => Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  const seen = new Map<string, string>();
  const look = async (): Promise<void> => {
    const now = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'agentdesk:home:*', 'COUNT', 200);
      cursor = next;
      const homes = keys.length > 0 ? await redis.mget(keys) : [];
      keys.forEach((key, i) => homes[i] && now.set(key.slice('agentdesk:home:'.length), homes[i]));
    } while (cursor !== '0');
    for (const [session, home] of now) {
      if (seen.get(session) === home) continue;
      const node = nodes.find((n) => n.name === home);
      const verb = seen.has(session) ? 'moved to' : 'runs on';
      console.log(`Session ${session.slice(0, 8)} ${verb} ${home}${node ? ` (pid ${node.pid}): kill -9 ${node.pid} and it goes on elsewhere` : ''}`);
    }
    seen.clear();
    for (const [k, v] of now) seen.set(k, v);
  };
  const timer = setInterval(() => void look().catch(() => undefined), HOME_WATCH_MS);
  return async () => {
    clearInterval(timer);
    redis.disconnect();
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8750' },
      'idp-port': { type: 'string', default: '8751' },
      'desktop-port': { type: 'string', default: '8752' },
      'site-port': { type: 'string', default: '8753' },
      nodes: { type: 'string', default: '3' },
      'demo-dir': { type: 'string', default: join(root, '.demo-cluster') },
      'no-open': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const nodeCount = Number(values.nodes);
  if (!Number.isInteger(nodeCount) || nodeCount < 2 || nodeCount > 8) throw new Error('--nodes must be 2 to 8');
  // npm's bootstrap installs them as root; otherwise say which are missing and how to get them.
  const missing = missingBinaries(SERVERS);
  if (missing) throw new Error(`the cluster demo runs Debian's redis-server, postgresql-15 and haproxy: ${missing}`);
  await build(['renderer', 'snippet']);
  const demoDir = resolve(values['demo-dir']);
  mkdirSync(join(demoDir, 'desktop'), { recursive: true, mode: 0o700 });

  const children: Child[] = [];
  // Stopped in reverse order of start, after the children (nodes and desktop).
  const closers: (() => Promise<void> | void)[] = [];
  let stopping: Promise<void> | null = null;
  let stopped: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  const stop = (): void => {
    if (stopping) return;
    console.log('\nStopping the cluster demo...');
    stopping = stopAll(children)
      .then(async () => {
        for (const close of closers.reverse()) await close();
      })
      .finally(stopped);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    // Live and durable stores: fresh on each run (the demo keeps nothing between runs).
    const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    closers.push(() => postgres.destroy(), () => redis.stop('SIGTERM'));
    const postgresUrl = await postgres.createDatabase('agentdesk');

    const idp = await startIdentityProvider({
      port: Number(values['idp-port']),
      accounts: [DEMO_AGENT],
      clients: [{ clientId: DEMO_CLIENT_ID, redirectUris: ['com.agentdesk.desktop:/oauth/callback/demo', 'http://127.0.0.1/oauth/callback/demo'] }],
      accessTokenAudience: COBROWSE_AUDIENCE,
    });
    closers.push(idp.close);
    const lbPort = Number(values.port) || (await freePort());
    const lbUrl = `http://127.0.0.1:${lbPort}`;
    const site = await startCustomerSite({ port: Number(values['site-port']), serverUrl: () => lbUrl });
    closers.push(site.close);

    // One config for every node, as machines deployed from one template (each has its copy of the key file).
    const configFile = join(demoDir, 'cluster-config.json');
    const config = {
      oidc: { issuer: idp.issuer, audience: COBROWSE_AUDIENCE },
      customerOrigins: [site.origin],
      keyFile: join(demoDir, 'options.key'),
      cluster: { redis: redis.url },
      store: { postgres: postgresUrl },
    };
    writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    // The operator's one-time setup, on any machine with the config and the key file; through
    // stdin, so the token is never in a process list.
    const token = randomToken();
    const set = cli(['options', 'set', 'slave.password', '-', '--config', configFile, '--data-dir', join(demoDir, 'cli')], `${token}\n`);
    if (set.code !== 0) throw new Error(`cannot set the demo agent token:\n${set.stderr}`);

    const nodes: DemoNode[] = [];
    for (let i = 1; i <= nodeCount; i++) {
      const node = await startNode(`node-${i}`, await freePort(), demoDir, configFile);
      children.push(node.child);
      nodes.push(node);
    }
    const lb = await startHaproxy({ port: lbPort, backends: nodes.map((n) => ({ name: n.name, port: n.port })) });
    closers.push(() => lb.stop());
    // haproxy admits a node after two good health checks.
    await waitUntil('a node ready behind haproxy', async () => (await fetch(`${lbUrl}/readyz`)).status === 200, 15_000, 100);
    closers.push(watchHomes(redis.url, nodes));

    const providersFile = join(demoDir, 'desktop', 'providers.json');
    const provider = { id: 'demo', label: 'Demo identity provider', issuer: idp.issuer, client_id: DEMO_CLIENT_ID, redirect: { mode: 'auto' } };
    writeFileSync(providersFile, `${JSON.stringify({ providers: [provider] }, null, 2)}\n`, { mode: 0o600 });
    const desktop = await startDesktopChild({
      dataDir: join(demoDir, 'desktop'),
      port: values['desktop-port'],
      providersFile,
      serverUrl: lbUrl,
      agentToken: token,
      open: !values['no-open'],
      logFile: join(demoDir, 'desktop.log'),
    });
    children.push(desktop.child);

    for (const node of nodes) {
      void node.child.exited.then((code) => {
        if (!stopping) console.log(`${node.name} (pid ${node.pid}) stopped (status ${code}); its sessions go on on the other nodes.`);
      });
    }
    void desktop.child.exited.then(() => {
      if (!stopping) console.log('The agent desktop stopped; see its log.');
    });

    console.log(`Agent desktop: ${desktop.url}`);
    console.log(`Identity provider: ${idp.issuer}`);
    console.log(`Load balancer (haproxy): ${lbUrl}`);
    for (const n of nodes) console.log(`Cluster node: ${n.name} ${n.url} pid ${n.pid}`);
    console.log(`Redis: ${redis.url}; PostgreSQL: postgres://127.0.0.1:${postgres.port}/agentdesk`);
    console.log(`Customer site: ${site.url}`);
    console.log(`Demo agent: ${DEMO_AGENT.email} / ${DEMO_AGENT.password}`);
    console.log('  Open the customer site, press Co-browse and give the 9-digit code to the agent desktop.');
    console.log('  The demo then prints the node the session runs on: kill it and the session goes on.');
    console.log(`Node logs: ${demoDir}/node-N.log; desktop log: ${join(demoDir, 'desktop.log')}. Press Ctrl-C to stop.`);
  } catch (err) {
    stop();
    await done;
    throw err;
  }
  await done;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
