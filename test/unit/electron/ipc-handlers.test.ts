import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { API_OPERATIONS, apiChannel, POP_OUT_OPERATIONS, type ApiOperation, type ApiResult } from '../../../common/api.js';
import { ERROR_MESSAGES } from '../../../common/errors.js';
import { registerApiHandlers, type ApiIpcMain } from '../../../src/electron/ipc-handlers.js';
import type { SenderEvent, TrustedWindow } from '../../../src/electron/sender-check.js';

type Listener = Parameters<ApiIpcMain['handle']>[1];

class FakeIpcMain implements ApiIpcMain {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    assert.equal(this.handlers.has(channel), false, `${channel} registered twice`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  call(operation: ApiOperation, event: SenderEvent, ...args: unknown[]): Promise<ApiResult<unknown>> {
    const listener = this.handlers.get(apiChannel(operation));
    assert.ok(listener, `no handler for ${operation}`);
    return listener(event, ...args);
  }
}

const window: TrustedWindow = { webContentsId: 1, mainFrame: { frameToken: 't', processId: 2 } };
const trusted: SenderEvent = { sender: { id: 1 }, senderFrame: { url: 'app://agentdesk/index.html', parent: null, frameToken: 't', processId: 2 } };
const fromElsewhere: SenderEvent = { sender: { id: 1 }, senderFrame: { url: 'https://evil.example.com/', parent: null, frameToken: 't', processId: 2 } };

describe('registerApiHandlers', () => {
  let ipc: FakeIpcMain;
  let calls: { operation: ApiOperation; args: unknown }[];
  let warnings: object[];
  let unregister: () => void;

  beforeEach(() => {
    ipc = new FakeIpcMain();
    calls = [];
    warnings = [];
    unregister = registerApiHandlers({
      ipcMain: ipc,
      app: {
        dispatch: async (operation, args) => {
          calls.push({ operation, args });
          return { ok: true, value: `done:${operation}` };
        },
      },
      trustedWindow: () => window,
      logger: { warn: (fields: object) => warnings.push(fields) },
    });
  });

  it('registers exactly one handler per operation of the contract, and removes them all', () => {
    assert.deepEqual([...ipc.handlers.keys()].sort(), API_OPERATIONS.map(apiChannel).sort());
    unregister();
    assert.equal(ipc.handlers.size, 0);
  });

  it('hands a trusted call with valid arguments to the core, parsed', async () => {
    assert.deepEqual(await ipc.call('join', trusted, '123 456-789'), { ok: true, value: 'done:join' });
    assert.deepEqual(calls, [{ operation: 'join', args: ['123456789'] }]);
    assert.deepEqual(await ipc.call('getState', trusted), { ok: true, value: 'done:getState' });
  });

  it('refuses an untrusted sender with IPC_SENDER_REJECTED before parsing or dispatching', async () => {
    const result = await ipc.call('saveAgentToken', fromElsewhere, '12345678901234567890123456');
    assert.deepEqual(result, { ok: false, error: { code: 'IPC_SENDER_REJECTED', message: ERROR_MESSAGES.IPC_SENDER_REJECTED } });
    assert.equal(calls.length, 0);
    assert.deepEqual(warnings, [{ operation: 'saveAgentToken', reason: 'other origin' }]);
  });

  it('refuses every call while there is no window', async () => {
    const lonely = new FakeIpcMain();
    registerApiHandlers({ ipcMain: lonely, app: { dispatch: async () => assert.fail('dispatched') }, trustedWindow: () => null, logger: { warn: () => {} } });
    const result = await lonely.call('signOut', trusted);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.code, 'IPC_SENDER_REJECTED');
  });

  it('refuses bad arguments with API_ARGUMENT_INVALID and never echoes them', async () => {
    const token = await ipc.call('saveAgentToken', trusted, 'not-a-token-but-secret');
    assert.equal(token.ok, false);
    if (!token.ok) {
      assert.equal(token.error.code, 'API_ARGUMENT_INVALID');
      assert.doesNotMatch(token.error.message, /not-a-token-but-secret/);
    }
    const extra = await ipc.call('signOut', trusted, 'unexpected');
    assert.equal(extra.ok, false);
    assert.equal(calls.length, 0);
    assert.equal(JSON.stringify(warnings).includes('not-a-token-but-secret'), false);
  });
});

describe('registerApiHandlers with the pop-out window', () => {
  const popOut: TrustedWindow = { webContentsId: 9, mainFrame: { frameToken: 'p', processId: 3 } };
  const fromPopOut: SenderEvent = { sender: { id: 9 }, senderFrame: { url: 'app://agentdesk/index.html?view=pop-out', parent: null, frameToken: 'p', processId: 3 } };
  const fromAnotherWindow: SenderEvent = { sender: { id: 12 }, senderFrame: { url: 'app://agentdesk/index.html', parent: null, frameToken: 'x', processId: 4 } };
  const SAMPLE: Partial<Record<ApiOperation, unknown[]>> = { join: ['123456789'], signIn: ['demo'], pointAt: [4], saveAgentToken: ['12345678901234567890123456'] };

  function setUp(open: boolean) {
    const ipc = new FakeIpcMain();
    const calls: ApiOperation[] = [];
    const warnings: object[] = [];
    registerApiHandlers({
      ipcMain: ipc,
      app: { dispatch: async (operation) => (calls.push(operation), { ok: true, value: null }) },
      trustedWindow: () => window,
      popOutWindow: () => (open ? popOut : null),
      logger: { warn: (fields: object) => warnings.push(fields) },
    });
    return { ipc, calls, warnings };
  }

  it('lets the pop-out make the mirror’s calls and Bring back, and nothing of sign-in, settings, joining or popping out', async () => {
    const { ipc, calls, warnings } = setUp(true);
    for (const operation of ['getState', 'refreshView', 'pointAt', 'requestControl', 'releaseControl', 'bringBackView'] as const) {
      assert.equal((await ipc.call(operation, fromPopOut, ...(SAMPLE[operation] ?? []))).ok, true, operation);
    }
    for (const operation of ['signIn', 'signOut', 'join', 'leave', 'saveSettings', 'saveAgentToken', 'popOutView'] as const) {
      const result = await ipc.call(operation, fromPopOut, ...(SAMPLE[operation] ?? []));
      assert.equal(result.ok ? 'ok' : result.error.code, 'IPC_SENDER_REJECTED', operation);
    }
    assert.deepEqual(calls, ['getState', 'refreshView', 'pointAt', 'requestControl', 'releaseControl', 'bringBackView']);
    assert.deepEqual(warnings.at(-1), { operation: 'popOutView', reason: 'not for the pop-out window' });
    assert.deepEqual([...POP_OUT_OPERATIONS].filter((op) => !API_OPERATIONS.includes(op)), [], 'the list names real operations');
  });

  it('the main window keeps every operation; a closed pop-out or any other window gets nothing', async () => {
    const open = setUp(true);
    assert.equal((await open.ipc.call('popOutView', trusted)).ok, true);
    assert.equal((await open.ipc.call('signOut', trusted)).ok, true);
    const other = await open.ipc.call('getState', fromAnotherWindow);
    assert.equal(other.ok ? 'ok' : other.error.code, 'IPC_SENDER_REJECTED');
    const closed = setUp(false);
    const late = await closed.ipc.call('refreshView', fromPopOut);
    assert.equal(late.ok ? 'ok' : late.error.code, 'IPC_SENDER_REJECTED');
    assert.deepEqual(closed.calls, []);
  });
});
