import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { API_OPERATIONS, apiChannel, PAGE_FRAME_CHANNEL, STATE_CHANNEL, type AgentDeskApi, type AppState, type PageFrame } from '../../../common/api.js';
import { createAgentDeskApi, type BridgeIpcRenderer } from '../../../src/electron/preload-api.js';
import { preloadBuildOptions } from '../../../scripts/build-electron.js';

type Relay = (event: unknown, ...args: unknown[]) => void;

/** Records what the bridge does with ipcRenderer: invokes and state listeners. */
class FakeIpcRenderer {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly listeners = new Map<string, Set<Relay>>();
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return Promise.resolve({ ok: true, value: channel });
  }
  on(channel: string, listener: Relay): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Relay): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  emit(channel: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener({ sender: 'the ipcRenderer itself' }, ...args);
  }
}

// One sample argument list per operation, as the renderer would call it.
const SAMPLE_ARGS: Record<(typeof API_OPERATIONS)[number], unknown[]> = {
  getState: [],
  signIn: ['demo'],
  cancelSignIn: [],
  getSignInLink: [],
  signOut: [],
  endProviderSession: [],
  join: ['123456789'],
  leave: [],
  retry: [],
  getSettings: [],
  saveSettings: [{ serverUrl: null, providers: [] }],
  saveAgentToken: ['12345678901234567890123456'],
  clearAgentToken: [],
  pointAt: [42],
  moveCursor: [[120, 340]],
  annotate: [[[1, 2], [3, 4]]],
  refreshView: [],
  requestControl: [],
  releaseControl: [],
  sendAction: [{ kind: 'input', nodeId: 7, value: 'hello' }],
  popOutView: [],
  bringBackView: [],
};

async function exerciseBridge(api: AgentDeskApi, ipc: FakeIpcRenderer): Promise<void> {
  assert.deepEqual(Object.keys(api).sort(), [...API_OPERATIONS, 'onPageFrame', 'onStateChange'].sort(), 'one function per operation, plus the two events');
  for (const operation of API_OPERATIONS) {
    const fn = api[operation] as (...args: unknown[]) => Promise<unknown>;
    assert.equal(typeof fn, 'function');
    const result = await fn(...SAMPLE_ARGS[operation]);
    assert.deepEqual(result, { ok: true, value: apiChannel(operation) });
    assert.deepEqual(ipc.invoked.at(-1), { channel: apiChannel(operation), args: SAMPLE_ARGS[operation] }, operation);
  }
  assert.equal(ipc.invoked.length, API_OPERATIONS.length);

  const seen: unknown[][] = [];
  const unsubscribe = api.onStateChange((...args: unknown[]) => seen.push(args));
  const state = { signIn: { status: 'signed-out' } } as unknown as AppState;
  ipc.emit(STATE_CHANNEL, state, 'extra');
  assert.deepEqual(seen, [[state]], 'the listener gets the state only, never the IPC event');
  unsubscribe();
  ipc.emit(STATE_CHANNEL, state);
  assert.equal(seen.length, 1, 'no call after unsubscribe');
  assert.equal(ipc.listeners.get(STATE_CHANNEL)?.size, 0);
  assert.throws(() => api.onStateChange('not a function' as never), { name: 'TypeError' });

  const frames: unknown[][] = [];
  const stopFrames = api.onPageFrame((...args: unknown[]) => frames.push(args));
  const frame: PageFrame = { kind: 'snapshot', json: '[]', receivedAt: 1 };
  ipc.emit(PAGE_FRAME_CHANNEL, frame);
  ipc.emit(STATE_CHANNEL, state);
  assert.deepEqual(frames, [[frame]], 'page frames only, without the IPC event');
  stopFrames();
  ipc.emit(PAGE_FRAME_CHANNEL, frame);
  assert.equal(frames.length, 1);
  assert.throws(() => api.onPageFrame(null as never), { name: 'TypeError' });
}

describe('createAgentDeskApi', () => {
  it('exposes exactly the contract, each operation on its own channel', async () => {
    const ipc = new FakeIpcRenderer();
    await exerciseBridge(createAgentDeskApi(ipc as unknown as BridgeIpcRenderer), ipc);
  });
});

describe('the bundled preload (dist/electron/preload.cjs as built)', () => {
  it('is one CommonJS file that needs only electron, and exposes only window.agentdesk', async () => {
    const built = await build({ ...preloadBuildOptions(), write: false });
    const code = built.outputFiles?.[0]?.text;
    assert.ok(code);
    const ipc = new FakeIpcRenderer();
    const exposed = new Map<string, unknown>();
    const electron = {
      ipcRenderer: ipc,
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    };
    const module = { exports: {} };
    runInNewContext(code, {
      module,
      exports: module.exports,
      // A sandboxed preload's require knows only a few modules; ours needs only electron.
      require: (name: string) => {
        if (name === 'electron') return electron;
        throw new Error(`the sandboxed preload cannot require ${name}`);
      },
      console,
    });
    assert.deepEqual([...exposed.keys()], ['agentdesk']);
    await exerciseBridge(exposed.get('agentdesk') as AgentDeskApi, ipc);
  });
});
