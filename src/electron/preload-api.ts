// The object the preload exposes as `window.agentdesk`: one named function per operation of the
// renderer contract, each invoking that operation's own channel. Nothing here forwards a channel
// the page chooses, and the state and page-frame listeners are given the value only, never the IPC event (whose
// `sender` would hand the page an ipcRenderer). Lint rules for src/electron/preload*.ts keep it so.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import {
  apiChannel,
  PAGE_FRAME_CHANNEL,
  STATE_CHANNEL,
  type AgentDeskApi,
  type AppState,
  type PageFrame,
  type PageFrameListener,
  type StateListener,
} from '../../common/api.js';

/** The part of Electron's `ipcRenderer` the bridge uses. */
export type BridgeIpcRenderer = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function createAgentDeskApi(ipcRenderer: BridgeIpcRenderer): AgentDeskApi {
  return {
    getState: () => ipcRenderer.invoke(apiChannel('getState')),
    onStateChange: (listener: StateListener) => {
      if (typeof listener !== 'function') throw new TypeError('onStateChange takes a function');
      const relay = (_event: IpcRendererEvent, state: AppState) => listener(state);
      ipcRenderer.on(STATE_CHANNEL, relay);
      return () => {
        ipcRenderer.removeListener(STATE_CHANNEL, relay);
      };
    },
    signIn: (providerId) => ipcRenderer.invoke(apiChannel('signIn'), providerId),
    cancelSignIn: () => ipcRenderer.invoke(apiChannel('cancelSignIn')),
    getSignInLink: () => ipcRenderer.invoke(apiChannel('getSignInLink')),
    signOut: () => ipcRenderer.invoke(apiChannel('signOut')),
    endProviderSession: () => ipcRenderer.invoke(apiChannel('endProviderSession')),
    join: (code) => ipcRenderer.invoke(apiChannel('join'), code),
    leave: () => ipcRenderer.invoke(apiChannel('leave')),
    retry: () => ipcRenderer.invoke(apiChannel('retry')),
    getSettings: () => ipcRenderer.invoke(apiChannel('getSettings')),
    saveSettings: (settings) => ipcRenderer.invoke(apiChannel('saveSettings'), settings),
    saveAgentToken: (token) => ipcRenderer.invoke(apiChannel('saveAgentToken'), token),
    clearAgentToken: () => ipcRenderer.invoke(apiChannel('clearAgentToken')),
    onPageFrame: (listener: PageFrameListener) => {
      if (typeof listener !== 'function') throw new TypeError('onPageFrame takes a function');
      const relay = (_event: IpcRendererEvent, frame: PageFrame) => listener(frame);
      ipcRenderer.on(PAGE_FRAME_CHANNEL, relay);
      return () => {
        ipcRenderer.removeListener(PAGE_FRAME_CHANNEL, relay);
      };
    },
    pointAt: (nodeId) => ipcRenderer.invoke(apiChannel('pointAt'), nodeId),
    moveCursor: (at) => ipcRenderer.invoke(apiChannel('moveCursor'), at),
    annotate: (points) => ipcRenderer.invoke(apiChannel('annotate'), points),
    refreshView: () => ipcRenderer.invoke(apiChannel('refreshView')),
    requestControl: () => ipcRenderer.invoke(apiChannel('requestControl')),
    releaseControl: () => ipcRenderer.invoke(apiChannel('releaseControl')),
    sendAction: (action) => ipcRenderer.invoke(apiChannel('sendAction'), action),
    popOutView: () => ipcRenderer.invoke(apiChannel('popOutView')),
    bringBackView: () => ipcRenderer.invoke(apiChannel('bringBackView')),
  };
}
