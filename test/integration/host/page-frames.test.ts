// The browser shell carries page frames to the agent UI over its local WebSocket: after the
// launch-key hello only, in order, text intact, and never to a page without the key.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ApiOperation, ApiResult, PageFrame, PageFrameListener } from '../../../common/api.js';
import { HOST_API_PATH, readHostFrame, type HostToPage } from '../../../common/host-protocol.js';
import type { DesktopApp } from '../../../src/app/desktop-app-types.js';
import { SIGNED_OUT_STATE } from '../../support/app-state.js';
import { startHostServer, type HostServer } from '../../../src/host/host-server.js';

const STATE = SIGNED_OUT_STATE;

/** What the page heard: the JSON messages, and each binary frame message decoded. */
type Heard = HostToPage | { readonly type: 'page-frame'; readonly frame: PageFrame };

/** The core as the host sees it; frames are pushed by the test as the channel would. */
function core() {
  const frameListeners = new Set<PageFrameListener>();
  const app: DesktopApp = {
    start: async () => undefined,
    dispatch: async (_op: ApiOperation): Promise<ApiResult<unknown>> => ({ ok: true, value: null }),
    state: () => STATE,
    onState: () => () => undefined,
    onPageFrame(listener) {
      frameListeners.add(listener);
      return () => frameListeners.delete(listener);
    },
    handleArgv: async () => false,
    handleOpenUrl: async () => false,
    dispose: async () => undefined,
  };
  return { app, push: (frame: PageFrame) => frameListeners.forEach((l) => l(frame)), listeners: () => frameListeners.size };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const KEY = 'launch-key-for-the-page-frame-test';

describe('browser shell: page frames over the local API socket', () => {
  let dir: string;
  let host: HostServer;
  const c = core();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentdesk-host-frames-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>AgentDesk</title>');
    host = await startHostServer({ app: c.app, rendererDir: dir, key: KEY, logger: silent });
  });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function connect(key: string | null): Promise<{ ws: WebSocket; messages: Heard[]; closed: Promise<number> }> {
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}${HOST_API_PATH}`, { headers: { origin: host.origin } });
    const messages: Heard[] = [];
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        messages.push(JSON.parse(String(data)) as HostToPage);
        return;
      }
      // A frame is a binary message: kind byte and receive time, then the JSON text as UTF-8.
      const frame = readHostFrame(new Uint8Array(data as Buffer));
      assert.ok(frame, 'a binary message that is a page frame');
      messages.push({ type: 'page-frame', frame: { kind: frame.kind, receivedAt: frame.receivedAt, json: new TextDecoder('utf-8', { fatal: true }).decode(frame.text) } });
    });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => {
        if (key !== null) ws.send(JSON.stringify({ type: 'hello', key }));
        resolve({ ws, messages, closed });
      });
    });
  }

  async function until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 3000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('pushes each frame to a page that said hello with the key, in order and byte-for-byte as text', async () => {
    const page = await connect(KEY);
    await until(() => page.messages.some((m) => m.type === 'welcome'), 'welcome');
    const snapshot: PageFrame = { kind: 'snapshot', json: JSON.stringify([{ type: 4, data: { width: 800, height: 600 }, timestamp: 1 }, { type: 2, data: { text: 'Zürich ✓ "quoted" \\ </script>' }, timestamp: 2 }]), receivedAt: 10 };
    const batch: PageFrame = { kind: 'incremental', json: '[{"type":3,"data":{"source":2},"timestamp":3}]', receivedAt: 11 };
    c.push(snapshot);
    c.push(batch);
    await until(() => page.messages.filter((m) => m.type === 'page-frame').length === 2, 'two frames');
    const frames = page.messages.flatMap((m) => (m.type === 'page-frame' ? [m.frame] : []));
    assert.deepEqual(frames, [snapshot, batch]);
    page.ws.close();
    await page.closed;
  });

  it('sends nothing to a page without the key, and stops pushing when the page goes', async () => {
    const before = c.listeners();
    const stranger = await connect(null);
    c.push({ kind: 'snapshot', json: '[]', receivedAt: 1 });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(stranger.messages, []);
    assert.equal(c.listeners(), before, 'no frame subscription before the hello');
    stranger.ws.close();
    await stranger.closed;

    const page = await connect(KEY);
    await until(() => c.listeners() === before + 1, 'subscribed');
    page.ws.close();
    await page.closed;
    await until(() => c.listeners() === before, 'unsubscribed');
  });
});
