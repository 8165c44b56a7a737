// The Desktop port for the browser shell: the system browser through $BROWSER or the platform
// opener, and the OS's handler registration for the custom scheme.
import { execFile } from 'node:child_process';
import type { Desktop } from '../desktop-port.js';
import { openInSystemBrowser } from './system-browser.js';

export function createHostDesktop(appDataDir: string, env: NodeJS.ProcessEnv = process.env): Desktop {
  return {
    appDataDir,
    openExternal: (url) => {
      const parsed = new URL(url);
      // Sign-in pages only: https, or http on this machine (a development identity provider).
      const loopback = parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]';
      if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
        return Promise.reject(new Error(`AgentDesk opens only https sign-in pages, not ${parsed.protocol}`));
      }
      return openInSystemBrowser(url, env);
    },
    isSchemeRegistered: (scheme) => schemeHandlerRegistered(scheme),
  };
}

/** Linux: asks xdg-mime which .desktop file handles the scheme; AgentDesk's is agentdesk*.desktop. */
function schemeHandlerRegistered(scheme: string): Promise<boolean> {
  if (process.platform !== 'linux') return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile('xdg-mime', ['query', 'default', `x-scheme-handler/${scheme}`], { timeout: 3_000 }, (error, stdout) => {
      resolve(!error && /^agentdesk[\w.-]*\.desktop$/m.test(stdout.trim()));
    });
  });
}
