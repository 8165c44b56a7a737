// The Electron main process entry (bundled to dist/electron/main.js). It only gathers the real
// Electron modules, the keychain and a logger, and hands them to startElectronShell (shell.ts).
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createDesktopApp } from '../app/desktop-app.js';
import { createDesktopLogger } from '../app/desktop-logger.js';
import { createKeytarSecretStore } from '../vault/keytar-secret-store.js';
import { keychainService } from '../vault/keychain-names.js';
import { readShellConfig, type ShellConfig } from './shell-config.js';
import { createElectronNetwork } from './electron-network.js';
import { startElectronShell } from './shell.js';
import { trustedCertificates } from './trusted-certificates.js';
import { readTrustedCaFile, withTrustedCaFile } from '../trusted-ca-file.js';
import { EXIT_CONFIG, EXIT_STARTUP_FAILED, failStartup } from './startup-failure.js';

const failureParts = { app, dialog, stderr: process.stderr };

function main(config: ShellConfig): void {
  if (config.userDataDir !== undefined) app.setPath('userData', config.userDataDir);
  // Read before anything starts: an unusable CA file stops the app with CA_FILE_UNUSABLE.
  const administratorCas = config.caFile === undefined ? [] : readTrustedCaFile(config.caFile);
  const userData = app.getPath('userData');
  const logger = createDesktopLogger('agentdesk-electron', pino.destination({ dest: join(userData, 'logs', 'main.log'), mkdir: true, sync: false, mode: 0o600 }));
  const defaultProvidersFile = join(userData, 'providers.json');

  startElectronShell({
    electron: {
      app,
      dialog,
      setApplicationMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
      // Not persisted ('persist:' absent) and uncached: the main process's requests share nothing with the renderer's session.
      network: () => createElectronNetwork({ session: session.fromPartition('agentdesk-main-network', { cache: false }), certificates: () => withTrustedCaFile(trustedCertificates(), administratorCas) }),
      protocol,
      defaultSession: () => session.defaultSession,
      shell,
      ipcMain,
      createWindow: (options) =>
        new BrowserWindow({
          ...options,
          // window-options.ts already sets these (and its test checks them); repeated last here so
          // nothing spread above can turn them off, and so Electronegativity sees them.
          webPreferences: {
            ...options.webPreferences,
            contextIsolation: true,
            sandbox: true,
            nodeIntegration: false,
            nodeIntegrationInWorker: false,
            nodeIntegrationInSubFrames: false,
            webSecurity: true,
            allowRunningInsecureContent: false,
            experimentalFeatures: false,
            webviewTag: false,
          },
        }),
    },
    process,
    registerScheme: config.registerScheme,
    // main.js and preload.cjs sit side by side in dist/electron/; the renderer bundle in dist/renderer/.
    preloadPath: join(import.meta.dirname, 'preload.cjs'),
    rendererDir: join(import.meta.dirname, '..', 'renderer'),
    logger,
    createApp: (desktop) =>
      createDesktopApp({
        desktop,
        secretStore: createKeytarSecretStore(keychainService(config.profile)),
        logger,
        providersFile: config.providersFile ?? (existsSync(defaultProvidersFile) ? defaultProvidersFile : undefined),
        defaultServerUrl: config.defaultServerUrl,
      }),
  });
}

let config: ShellConfig | null = null;
try {
  config = readShellConfig(process.env);
} catch (error) {
  failStartup(failureParts, error, EXIT_CONFIG);
}
if (config !== null) {
  try {
    main(config);
  } catch (error) {
    // E.g. the log folder cannot be created, or a module Electron rejects before 'ready'.
    failStartup(failureParts, error, EXIT_STARTUP_FAILED);
  }
}
