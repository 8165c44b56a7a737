// window.agentdesk for the browser shell: the same AgentDeskApi the Electron preload exposes,
// carried over the host's local WebSocket (common/host-protocol.ts). The renderer cannot tell the
// two apart. The per-launch key arrives in the URL fragment and is moved to sessionStorage, so it
// leaves the address bar and survives a reload of this tab only.
import { API_OPERATIONS, type AgentDeskApi, type ApiOperation, type ApiResult, type PageFrameListener, type StateListener, type UiError } from '../common/api.js';
import { errorBody } from '../common/errors.js';
import { HOST_API_PATH, HOST_CLOSE, HOST_KEY_PARAM, readHostFrame, type HostToPage } from '../common/host-protocol.js';
import { watchOpener, withBrowserPopOut } from './host-pop-out.js';

const KEY_STORAGE = 'agentdesk.hostKey';
/** Reconnect quickly after a blip of the local socket, but do not spin if the host is gone. */
const RECONNECT_DELAY_MS = 1_000;
const utf8 = new TextDecoder();

function hostError(code: 'HOST_LINK_INVALID' | 'HOST_UNREACHABLE'): UiError {
  return errorBody(code);
}

/** Takes the key from `#key=…` (then clears the fragment) or from this tab's storage. */
export function takeLaunchKey(location: Location, storage: Storage, history: History): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromLink = fragment.get(HOST_KEY_PARAM);
  if (fromLink) {
    storage.setItem(KEY_STORAGE, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
    return fromLink;
  }
  return storage.getItem(KEY_STORAGE);
}

export function createHostBridge(socketUrl: string, key: string | null): AgentDeskApi {
  const listeners = new Set<StateListener>();
  const frameListeners = new Set<PageFrameListener>();
  const pending = new Map<number, (result: ApiResult<unknown>) => void>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let ready = false;
  let refused = key === null;

  const failAll = (error: UiError) => {
    for (const resolve of pending.values()) resolve({ ok: false, error });
    pending.clear();
    queue.length = 0;
  };

  const open = () => {
    if (refused) return;
    const ws = new WebSocket(socketUrl);
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', key }));
    ws.onmessage = (event: MessageEvent<string | ArrayBuffer>) => {
      if (typeof event.data !== 'string') {
        const frame = readHostFrame(new Uint8Array(event.data));
        if (frame === null) return;
        const pageFrame = { kind: frame.kind, receivedAt: frame.receivedAt, json: utf8.decode(frame.text) };
        for (const listener of frameListeners) listener(pageFrame);
        return;
      }
      const message = JSON.parse(event.data) as HostToPage;
      switch (message.type) {
        case 'welcome':
          ready = true;
          for (const frame of queue.splice(0)) ws.send(frame);
          break;
        case 'result':
          pending.get(message.id)?.(message.result);
          pending.delete(message.id);
          break;
        case 'state':
          for (const listener of listeners) listener(message.state);
          break;
      }
    };
    ws.onclose = (event) => {
      ready = false;
      socket = null;
      if (event.code === HOST_CLOSE.Unauthorized) {
        refused = true;
        failAll(hostError('HOST_LINK_INVALID'));
        return;
      }
      failAll(hostError('HOST_UNREACHABLE'));
      setTimeout(open, RECONNECT_DELAY_MS);
    };
  };
  open();

  const call = (op: ApiOperation, args: unknown[]): Promise<ApiResult<unknown>> => {
    if (refused) return Promise.resolve({ ok: false, error: hostError('HOST_LINK_INVALID') });
    const id = nextId++;
    const frame = JSON.stringify({ type: 'call', id, op, args });
    return new Promise((resolve) => {
      pending.set(id, resolve);
      if (ready && socket) socket.send(frame);
      else queue.push(frame);
    });
  };

  const api: Record<string, unknown> = {
    onStateChange(listener: StateListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onPageFrame(listener: PageFrameListener) {
      frameListeners.add(listener);
      return () => frameListeners.delete(listener);
    },
  };
  for (const op of API_OPERATIONS) api[op] = (...args: unknown[]) => call(op, args);
  return api as unknown as AgentDeskApi;
}

/** Installs the bridge when no preload provided one (i.e. outside Electron). The main tab's bridge
 * opens and watches the pop-out window (host-pop-out.ts); the pop-out's closes with the main tab. */
export function installHostBridge(popOut: boolean): void {
  if (window.agentdesk) return;
  const key = takeLaunchKey(window.location, window.sessionStorage, window.history);
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}${HOST_API_PATH}`;
  const bridge = createHostBridge(url, key);
  if (popOut) watchOpener();
  Object.defineProperty(window, 'agentdesk', { value: popOut ? bridge : withBrowserPopOut(bridge, key), writable: false, configurable: false });
}

