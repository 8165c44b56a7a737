import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { POP_OUT_SEARCH } from '../common/api.js';
import { App } from './app.js';
import { installHostBridge } from './host-bridge.js';
import { pageStreamFor } from './page-stream.js';
import { PopOutApp } from './pop-out-app.js';

// The page runs under `script-src 'self'` (no eval): tell zod not to try compiling its parsers.
z.config({ jitless: true });

// In Electron the preload has set window.agentdesk; in the browser shell this connects to the host.
// The pop-out window (the live mirror in its own window) is the same bundle on its own route.
const popOut = window.location.search === POP_OUT_SEARCH;
installHostBridge(popOut);
// The page stream subscribes before the first frame can arrive: a reloaded window is sent the kept
// snapshot as soon as its link is up, long before React has rendered the session view.
if (window.agentdesk) pageStreamFor(window.agentdesk);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    {popOut ? <PopOutApp /> : <App />}
  </StrictMode>,
);
