import type { AgentDeskApi } from '../common/api.js';

declare global {
  interface Window {
    /** The typed bridge to the main process (common/api.ts): the preload in Electron, a client in the browser shell. */
    readonly agentdesk?: AgentDeskApi;
  }
}

export {};
