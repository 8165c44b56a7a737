import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CUSTOM_SCHEME_REDIRECT } from '../../../src/auth/provider-config.js';
import { APP_DIR } from '../../../scripts/build-electron.js';
import { DESKTOP_FILE_NAME } from '../../../src/electron/appimage-desktop-entry.js';
import { APP_USER_MODEL_ID } from '../../../src/electron/shell.js';

const APP_DIR_ELECTRON = join(APP_DIR, 'dist/electron');

const root = new URL('../../../', import.meta.url);
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  files: string[];
  directories: { app: string; buildResources: string };
  protocols: { name: string; schemes: string[] }[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; mimeTypes?: string[]; syncDesktopName: boolean };
  win: { target: { target: string; arch: string[] }[] };
  nsis: { include: string; perMachine: boolean };
  mac: { target: { target: string; arch: string[] }[] };
}

const config = load(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as BuilderConfig;
const appManifest = JSON.parse(readFileSync(new URL(`${config.directories.app}/package.json`, root), 'utf8')) as {
  name: string;
  productName: string;
  desktopName: string;
  description: string;
  main: string;
  type: string;
};

/** The .desktop entry electron-builder writes for the deb, computed by its own LinuxTargetHelper. */
async function debDesktopEntry(): Promise<{ fileName: string; entry: string }> {
  const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
    LinuxTargetHelper: new (packager: object) => { computeDesktopEntry(options: object): Promise<string>; getDesktopFileName(): string };
  };
  const packager = {
    appInfo: { productName: config.productName, sanitizedProductName: config.productName, productFilename: config.productName, description: appManifest.description },
    executableName: appManifest.name,
    info: { metadata: appManifest },
    platformSpecificBuildOptions: config.linux,
    config,
    fileAssociations: [],
  };
  const helper = new LinuxTargetHelper(packager);
  return { fileName: `${helper.getDesktopFileName()}.desktop`, entry: await helper.computeDesktopEntry(config.linux) };
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema (app-builder-lib/scheme.json)", () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    assert.equal(valid, true, JSON.stringify(validate.errors, null, 2));
  });

  it('catches a mistake, so the schema check is real', () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    assert.equal(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNodee: false } }), false);
    assert.equal(validate({ ...config, asar: 'yes' }), false);
  });

  it('names the product and its app id', () => {
    assert.equal(config.appId, 'com.agentdesk.desktop');
    assert.equal(config.productName, 'AgentDesk');
  });

  it('the app uses the same names at run time: AppUserModelID = appId, AppImage entry = desktopName', () => {
    assert.equal(APP_USER_MODEL_ID, config.appId);
    assert.equal(DESKTOP_FILE_NAME, appManifest.desktopName);
  });

  it('turns the dangerous Electron fuses off and the protective ones on', () => {
    assert.deepEqual(
      {
        runAsNode: config.electronFuses.runAsNode,
        enableNodeOptionsEnvironmentVariable: config.electronFuses.enableNodeOptionsEnvironmentVariable,
        enableNodeCliInspectArguments: config.electronFuses.enableNodeCliInspectArguments,
        onlyLoadAppFromAsar: config.electronFuses.onlyLoadAppFromAsar,
        enableEmbeddedAsarIntegrityValidation: config.electronFuses.enableEmbeddedAsarIntegrityValidation,
        enableCookieEncryption: config.electronFuses.enableCookieEncryption,
      },
      {
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        onlyLoadAppFromAsar: true,
        enableEmbeddedAsarIntegrityValidation: true,
        enableCookieEncryption: true,
      },
    );
    assert.equal(config.asar, true);
  });

  it("registers the sign-in redirect's custom scheme on every OS", () => {
    const scheme = DEFAULT_CUSTOM_SCHEME_REDIRECT.slice(0, DEFAULT_CUSTOM_SCHEME_REDIRECT.indexOf(':'));
    assert.equal(scheme, 'com.agentdesk.desktop');
    assert.deepEqual(
      config.protocols.flatMap((p) => p.schemes),
      [scheme],
      'macOS Info.plist CFBundleURLTypes come from protocols',
    );
  });

  it('writes one MimeType line naming the scheme once into the Linux .desktop file', async () => {
    const { entry } = await debDesktopEntry();
    const mime = entry.split('\n').filter((line) => line.startsWith('MimeType='));
    assert.deepEqual(mime, ['MimeType=x-scheme-handler/com.agentdesk.desktop;']);
  });

  it('names the .desktop file after desktopName, which is also the window class Electron sets', async () => {
    assert.equal(config.linux.syncDesktopName, true);
    assert.equal(appManifest.desktopName, 'agentdesk.desktop');
    assert.equal(appManifest.productName, config.productName);
    const { fileName, entry } = await debDesktopEntry();
    assert.equal(fileName, appManifest.desktopName);
    assert.match(entry, /^StartupWMClass=agentdesk$/m);
    assert.match(entry, /^Exec=\/opt\/AgentDesk\/agentdesk %U$/m);
  });

  it('re-signs macOS builds ad hoc after the fuses are flipped', () => {
    assert.equal(config.electronFuses.resetAdHocDarwinSignature, true);
  });

  it('has the NSIS installer register the scheme for the user and remove it at uninstall, but not on update', () => {
    const script = readFileSync(new URL(config.nsis.include, root), 'utf8');
    const scheme = config.protocols[0]!.schemes[0]!;
    const key = `SHCTX "Software\\Classes\\${scheme}`;
    const install = script.slice(script.indexOf('!macro customInstall'), script.indexOf('!macroend'));
    const uninstall = script.slice(script.indexOf('!macro customUnInstall'));
    assert.equal(config.nsis.perMachine, false, 'SHCTX is HKEY_CURRENT_USER');
    assert.ok(install.includes(`WriteRegStr ${key}" "URL Protocol" ""`), install);
    assert.ok(install.includes(`WriteRegStr ${key}\\shell\\open\\command" "" '"$INSTDIR\\\${APP_EXECUTABLE_FILENAME}" "%1"'`), install);
    assert.match(uninstall, /\$\{ifNot\} \$\{isUpdated\}\s+DeleteRegKey SHCTX "Software\\Classes\\com\.agentdesk\.desktop"/);
  });

  it('builds AppImage and deb, NSIS, and dmg for x64 and arm64', () => {
    assert.deepEqual([...config.linux.target].sort(), ['AppImage', 'deb']);
    assert.deepEqual(config.win.target.map((t) => t.target), ['nsis']);
    const dmg = config.mac.target.find((t) => t.target === 'dmg');
    assert.deepEqual([...(dmg?.arch ?? [])].sort(), ['arm64', 'x64']);
  });

  it('packages only the app directory: the built main process and renderer', () => {
    assert.equal(config.directories.app, 'app');
    assert.deepEqual([...config.files].sort(), ['dist/electron/**', 'dist/renderer/**', 'package.json']);
    assert.equal(appManifest.main, 'dist/electron/main.js');
    assert.equal(appManifest.type, 'module', 'main.js is ESM');
    assert.equal(join(fileURLToPath(root), config.directories.app, 'dist/electron'), APP_DIR_ELECTRON);
  });
});
