// Entry of the customer snippet (bundled to dist/snippet/agentdesk-cobrowse.js and served at
// /cobrowse/snippet.js). Usage on a customer page:
//   <script>window.AgentDeskCobrowseConfig = { maskRules: [{ urlPattern: '*/account*', selectors: ['.iban'] }] };</script>
//   <script src="https://cobrowse.example.com/cobrowse/snippet.js" data-server="https://cobrowse.example.com" async></script>
import { readConfig } from './config.js';
import { CobrowseClient } from './cobrowse-client.js';
import { watchClosedShadowRoots } from './closed-shadow.js';

declare global {
  interface Window {
    AgentDeskCobrowseConfig?: unknown;
    /** Set once the snippet runs, so a page that includes it twice gets one launcher. */
    __agentdeskCobrowse?: true;
  }
}

// As early as possible: closed shadow roots attached from now on are known (shown as boxes).
watchClosedShadowRoots(window);

// Only readable while the script itself runs, so it is taken before anything waits.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;

function boot(): void {
  if (window.__agentdeskCobrowse) return;
  window.__agentdeskCobrowse = true;
  const config = readConfig(script, window.AgentDeskCobrowseConfig);
  if (!config.ok) {
    // Not started at all: a page whose masking rules cannot be read must not be shared.
    console.error(`AgentDesk co-browse is off on this page: ${config.problem}`);
    return;
  }
  new CobrowseClient(config.config).init();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
