import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { DEFAULT_CUSTOM_SCHEME_REDIRECT } from '../../../src/auth/provider-config.js';

const root = new URL('../../../', import.meta.url);
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  files: string[];
  extraMetadata: { main: string };
  protocols: { name: string; schemes: string[] }[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; mimeTypes: string[] };
  win: { target: { target: string; arch: string[] }[] };
  mac: { target: { target: string; arch: string[] }[] };
}

const config = load(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as BuilderConfig;

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
    assert.ok(config.linux.mimeTypes.includes(`x-scheme-handler/${scheme}`), 'Linux .desktop MimeType');
  });

  it('builds AppImage and deb, NSIS, and dmg for x64 and arm64', () => {
    assert.deepEqual([...config.linux.target].sort(), ['AppImage', 'deb']);
    assert.deepEqual(config.win.target.map((t) => t.target), ['nsis']);
    const dmg = config.mac.target.find((t) => t.target === 'dmg');
    assert.deepEqual([...(dmg?.arch ?? [])].sort(), ['arm64', 'x64']);
  });

  it('packages only the built main process and renderer', () => {
    assert.deepEqual([...config.files].sort(), ['dist/electron/**', 'dist/renderer/**', 'package.json']);
    assert.ok(config.extraMetadata.main.startsWith('dist/electron/'));
  });
});
