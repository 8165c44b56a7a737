// The preload of the main window (sandboxed, context-isolated): exposes `window.agentdesk` and
// nothing else. Bundled to dist/electron/preload.cjs by scripts/build-electron.ts.
import { contextBridge, ipcRenderer } from 'electron';
import type { AgentDeskApi } from '../../common/api.js';
import { createAgentDeskApi } from './preload-api.js';

const api = createAgentDeskApi(ipcRenderer);

contextBridge.exposeInMainWorld('agentdesk', {
  getState: api.getState,
  onStateChange: api.onStateChange,
  signIn: api.signIn,
  cancelSignIn: api.cancelSignIn,
  getSignInLink: api.getSignInLink,
  signOut: api.signOut,
  endProviderSession: api.endProviderSession,
  join: api.join,
  leave: api.leave,
  retry: api.retry,
  getSettings: api.getSettings,
  saveSettings: api.saveSettings,
  saveAgentToken: api.saveAgentToken,
  clearAgentToken: api.clearAgentToken,
  onPageFrame: api.onPageFrame,
  pointAt: api.pointAt,
  moveCursor: api.moveCursor,
  annotate: api.annotate,
  refreshView: api.refreshView,
  requestControl: api.requestControl,
  releaseControl: api.releaseControl,
  sendAction: api.sendAction,
  popOutView: api.popOutView,
  bringBackView: api.bringBackView,
} satisfies AgentDeskApi);
