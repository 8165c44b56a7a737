// Builds the agent UI (renderer/) into dist/renderer/. Asset URLs are relative (base './') because
// the same bundle is served from app:// in Electron and from http://127.0.0.1 in the browser shell,
// and nothing is inlined as script, because both serve it under `script-src 'self'`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  publicDir: 'public',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // The preload polyfill would be an inline script; every supported Chromium has modulepreload.
    modulePreload: { polyfill: false },
    // No data: URLs for scripts or fonts: everything is a file under 'self'.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
