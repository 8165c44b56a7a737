import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './app.js';
import { installHostBridge } from './host-bridge.js';

// The page runs under `script-src 'self'` (no eval): tell zod not to try compiling its parsers.
z.config({ jitless: true });

// In Electron the preload has set window.agentdesk; in the browser shell this connects to the host.
installHostBridge();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
