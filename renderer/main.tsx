import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './app.js';
import { installHostBridge } from './host-bridge.js';
import { pageStreamFor } from './page-stream.js';

// The page runs under `script-src 'self'` (no eval): tell zod not to try compiling its parsers.
z.config({ jitless: true });

// In Electron the preload has set window.agentdesk; in the browser shell this connects to the host.
installHostBridge();
// The page stream subscribes before the first frame can arrive: a reloaded window is sent the kept
// snapshot as soon as its link is up, long before React has rendered the session view.
if (window.agentdesk) pageStreamFor(window.agentdesk);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
