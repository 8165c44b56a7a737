// Measures the attacks of issue 12 against a real server process on 127.0.0.1: what each one does
// to the server's memory and to a legitimate session's latency, and how long the server takes to
// recover. Bounded in count and time; attacker sockets come from other loopback addresses.
//   node --import tsx scripts/attacks/measure-attacks.ts [held-body] [pre-hello] [slow-headers] [log-flood] [counters]
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

const ORIGIN = 'https://shop.example.test';
const here = import.meta.dirname;

interface Target {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
}

async function startTarget(env: Record<string, string> = {}, readStdout = true): Promise<Target> {
  const child = fork(`${here}/attack-server.ts`, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  if (readStdout) child.stdout!.resume();
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { child, url, port: Number(new URL(url).port) };
}

async function stopTarget(t: Target): Promise<void> {
  const exited = new Promise((resolve) => t.child.once('exit', resolve));
  t.child.disconnect();
  await Promise.race([exited, sleep(5000)]);
  t.child.kill('SIGKILL');
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

async function createSession(url: string): Promise<{ sessionId: string; code: string; customerSecret: string } | null> {
  const res = await fetch(`${url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' });
  if (res.status !== 201) return null;
  return (await res.json()) as { sessionId: string; code: string; customerSecret: string };
}

function openWs(url: string, headers: Record<string, string>, localAddress?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, ...(localAddress ? { localAddress } : {}) });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, res) => reject(new Error(`refused ${res.statusCode}`)));
  });
}

/** A legitimate session relaying a small page frame every 20 ms; latencies in ms. */
async function legitSession(t: Target): Promise<{ latencies: number[]; stop: () => void }> {
  const session = await createSession(t.url);
  if (!session) throw new Error('legit session refused');
  const ws = t.url.replace(/^http/, 'ws');
  const customer = await openWs(`${ws}/cobrowse/customer`, { origin: ORIGIN });
  customer.send(JSON.stringify({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret }));
  const agent = await openWs(`${ws}/cobrowse/agent`, {});
  await new Promise((r) => agent.once('message', r));
  agent.send(JSON.stringify({ type: 'join', code: session.code }));
  const latencies: number[] = [];
  agent.on('message', (data: Buffer, binary) => {
    if (binary) latencies.push(performance.now() - data.readDoubleLE(1));
  });
  await sleep(300);
  const timer = setInterval(() => {
    const frame = Buffer.alloc(9);
    frame[0] = 2;
    frame.writeDoubleLE(performance.now(), 1);
    customer.send(frame);
  }, 20);
  return {
    latencies,
    stop: () => {
      clearInterval(timer);
      customer.terminate();
      agent.terminate();
    },
  };
}

async function baseline(t: Target): Promise<{ p50: number; p99: number }> {
  const legit = await legitSession(t);
  await sleep(2000);
  legit.stop();
  return { p50: percentile(legit.latencies, 50), p99: percentile(legit.latencies, 99) };
}

function rawHttp(port: number, localAddress: string, text: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port, localAddress }, () => {
      socket.write(text);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function statusOf(socket: Socket): Promise<number | 'reset' | 'closed'> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('error', () => resolve('reset'));
    socket.on('close', () => {
      const m = /^HTTP\/1\.1 (\d+)/.exec(text);
      resolve(m ? Number(m[1]) : 'closed');
    });
  });
}

// ---- 1. session creation with the body held back ----
async function heldBody(): Promise<object> {
  const t = await startTarget();
  const n = 300;
  const head = `POST /cobrowse/rest/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${ORIGIN}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n`;
  const sockets = await Promise.all(Array.from({ length: n }, () => rawHttp(t.port, '127.0.0.9', head)));
  const statuses = sockets.map(statusOf);
  await sleep(500);
  for (const s of sockets) s.write('{}');
  const results = await Promise.all(statuses);
  const created = results.filter((r) => r === 201).length;
  // A customer from another address right after: served, or refused until the minute ends?
  const other = await fetch(`${t.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: ORIGIN }, body: '{}' });
  await stopTarget(t);
  return { attack: 'held-body', requests: n, from: '127.0.0.9', created, perAddressLimit: 10, otherCustomerStatus: other.status };
}

// ---- 2. big frames before hello ----
async function preHello(): Promise<object> {
  const t = await startTarget();
  const base = await baseline(t);
  const rssBefore = rssMiB(t.child.pid!);
  const legit = await legitSession(t);
  const n = 60;
  const size = 8 * 1024 * 1024 - 16;
  const ws = t.url.replace(/^http/, 'ws');
  const started = performance.now();
  const attackers: WebSocket[] = [];
  let refusedOrClosed = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      try {
        const a = await openWs(`${ws}/cobrowse/customer`, { origin: ORIGIN }, '127.0.0.10');
        attackers.push(a);
        a.on('close', () => (refusedOrClosed += 1));
        a.on('error', () => {});
        // A masked binary frame announcing `size` bytes, all but the last 1 KiB sent: never complete.
        const header = Buffer.alloc(14);
        header[0] = 0x82;
        header[1] = 0x80 | 127;
        header.writeBigUInt64BE(BigInt(size), 2);
        const raw = (a as unknown as { _socket: Socket })._socket;
        raw.write(header);
        const chunk = Buffer.alloc(256 * 1024, 7);
        for (let sent = 0; sent < size - 1024; sent += chunk.length) {
          if (!raw.write(chunk.subarray(0, Math.min(chunk.length, size - 1024 - sent)))) {
            await new Promise((r) => {
              raw.once('drain', r);
              raw.once('close', r);
            });
          }
          if (raw.destroyed) return;
        }
      } catch {
        refusedOrClosed += 1;
      }
    }),
  );
  await sleep(1000);
  const rssPeak = rssMiB(t.child.pid!);
  const sendMs = Math.round(performance.now() - started);
  legit.stop();
  const during = { p50: percentile(legit.latencies, 50), p99: percentile(legit.latencies, 99) };
  const closedByServer = refusedOrClosed;
  for (const a of attackers) a.terminate();
  const endedAt = performance.now();
  let rssAfter = rssMiB(t.child.pid!);
  while (rssAfter > rssBefore + 50 && performance.now() - endedAt < 10_000) {
    await sleep(500);
    rssAfter = rssMiB(t.child.pid!);
  }
  const recoveryMs = Math.round(performance.now() - endedAt);
  await stopTarget(t);
  return { attack: 'pre-hello-frames', sockets: n, frameBytes: size, rssBeforeMiB: rssBefore, rssPeakMiB: rssPeak, rssAfterMiB: rssAfter, recoveryMs, sendMs, closedByServer, baseline: base, legitDuring: during };
}

// ---- 3. slow headers ----
async function slowHeaders(): Promise<object> {
  const t = await startTarget();
  const n = 300;
  const started = performance.now();
  const sockets: Socket[] = [];
  const outcomes: Promise<{ status: number | 'reset' | 'closed'; ms: number }>[] = [];
  for (let i = 0; i < n; i += 1) {
    try {
      const s = await rawHttp(t.port, '127.0.0.11', 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      sockets.push(s);
      const opened = performance.now();
      outcomes.push(statusOf(s).then((status) => ({ status, ms: performance.now() - opened })));
    } catch {
      outcomes.push(Promise.resolve({ status: 'reset' as const, ms: 0 }));
    }
  }
  // A header line every second keeps each one "sending".
  const drip = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write('X-A: b\r\n');
  }, 1000);
  // A legitimate client from another address during the attack.
  const legitStatus = await fetch(`${t.url}/healthz`).then((r) => r.status, () => 'failed');
  const results = await Promise.race([Promise.all(outcomes), sleep(45_000).then(() => null)]);
  clearInterval(drip);
  for (const s of sockets) s.destroy();
  await stopTarget(t);
  if (!results) return { attack: 'slow-headers', sockets: n, note: 'not cut within 45 s' };
  const cutMs = results.map((r) => r.ms);
  const statuses: Record<string, number> = {};
  for (const r of results) statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  return { attack: 'slow-headers', sockets: n, from: '127.0.0.11', cutMinMs: Math.round(Math.min(...cutMs)), cutMaxMs: Math.round(Math.max(...cutMs)), statuses, legitStatus, totalMs: Math.round(performance.now() - started) };
}

// ---- 4. refusals with a huge Origin, slow log reader ----
// The log shipper: reads at most 64 KiB every 100 ms until SIGUSR1, then at full speed; prints the
// bytes it read after the attack when the server's stdout closes.
const SLOW_READER = `
import os, signal, sys, time
fast = False
def go_fast(*_):
    global fast
    fast = True
signal.signal(signal.SIGUSR1, go_fast)
total = 0
marked = None
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        break
    total += len(chunk)
    if fast and marked is None:
        marked = total - len(chunk)
    if not fast:
        time.sleep(0.1)
sys.stderr.write("%d %d\\n" % (total, total - (marked or total)))
`;

async function logFlood(): Promise<object> {
  const reader = spawn('python3', ['-c', SLOW_READER], { stdio: ['pipe', 'ignore', 'pipe'] });
  let readerOut = '';
  reader.stderr!.on('data', (c: Buffer) => (readerOut += c.toString()));
  const child = fork(`${here}/attack-server.ts`, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', reader.stdin!, 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  const t: Target = { child, url, port: Number(new URL(url).port) };
  const base = await baseline(t);
  const legit = await legitSession(t);
  const origin = `https://${'a'.repeat(15_000)}.example`;
  const until = performance.now() + 8000;
  let refusals = 0;
  let timedOut = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (performance.now() < until) {
        await fetch(`${t.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin }, body: '{}', signal: AbortSignal.timeout(3000) }).then(
          (r) => r.arrayBuffer(),
          () => (timedOut += 1),
        );
        refusals += 1;
      }
    }),
  );
  legit.stop();
  const during = { p50: percentile(legit.latencies, 50), p99: percentile(legit.latencies, 99), frames: legit.latencies.length };
  const cpu = cpuMs(t.child.pid!);
  reader.kill('SIGUSR1');
  await stopTarget(t);
  reader.stdin!.destroy();
  await new Promise((resolve) => reader.once('exit', resolve));
  const [totalLogBytes] = readerOut.trim().split(' ').map(Number);
  return { attack: 'log-flood', refusals, timedOut, originBytes: origin.length, totalLogBytes, bytesPerRefusal: Math.round((totalLogBytes ?? 0) / Math.max(1, refusals)), serverCpuMsTotal: cpu, baseline: base, legitDuring: during };
}

// ---- 5. failure counters with many keys ----
async function counters(): Promise<object> {
  const { AuthFailureLimiter } = await import('../../server/policy/auth-failure-limiter.js');
  const { NET_LIMITS } = await import('../../server/limits.js');
  const limiter = new AuthFailureLimiter(NET_LIMITS, () => Date.now());
  const n = 30_000;
  const started = performance.now();
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const t0 = performance.now();
    // Each address presents its own wrong token: two keys per failure (address and credential).
    const credential = `cred:${i}`;
    limiter.gate(address, credential);
    limiter.recordFailure(address, credential);
    times.push(performance.now() - t0);
  }
  const totalMs = Math.round(performance.now() - started);
  return { attack: 'counter-scan', addresses: n, totalMs, lastThousandMsPerFailure: Math.round((times.slice(-1000).reduce((a, b) => a + b, 0) / 1000) * 1000) / 1000 };
}

const scenarios: Record<string, () => Promise<object>> = { 'held-body': heldBody, 'pre-hello': preHello, 'slow-headers': slowHeaders, 'log-flood': logFlood, counters };
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(scenarios);
for (const name of wanted) {
  const run = scenarios[name];
  if (!run) throw new Error(`unknown scenario ${name}`);
  console.log(JSON.stringify(await run()));
}
process.exit(0);
