// The lint rules of eslint.config.js for src/electron/preload*.ts, run through ESLint's Node API
// with the project's own configuration, on samples of what a preload must never do.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lintSample, repoRoot as root } from '../../support/lint-sample.js';

async function restricted(code: string, filePath = 'src/electron/preload-sample.ts'): Promise<string[]> {
  return lintSample(code, filePath, 'no-restricted-syntax');
}

const HEADER = `import { contextBridge, ipcRenderer } from 'electron';\nimport { apiChannel, STATE_CHANNEL } from '../../common/api.js';\n`;

describe('preload lint rules', () => {
  it('accept the real preload and bridge', async () => {
    for (const file of ['src/electron/preload.ts', 'src/electron/preload-api.ts']) {
      assert.deepEqual(await restricted(readFileSync(`${root}${file}`, 'utf8'), file), [], file);
    }
  });

  it('accept named functions on fixed channels', async () => {
    const code = `${HEADER}contextBridge.exposeInMainWorld('agentdesk', {\n  join: (code: string) => ipcRenderer.invoke(apiChannel('join'), code),\n  ping() { return ipcRenderer.invoke('agentdesk:ping'); },\n});\nipcRenderer.on(STATE_CHANNEL, () => {});\n`;
    assert.deepEqual(await restricted(code), []);
  });

  it('refuse exposing ipcRenderer itself or one of its methods', async () => {
    assert.ok((await restricted(`${HEADER}contextBridge.exposeInMainWorld('ipc', ipcRenderer);\n`)).includes('Never expose ipcRenderer or one of its methods to the page.'));
    assert.ok((await restricted(`${HEADER}contextBridge.exposeInMainWorld('x', { ipc: ipcRenderer });\n`)).includes('Never expose ipcRenderer or one of its methods to the page.'));
    assert.ok((await restricted(`${HEADER}contextBridge.exposeInMainWorld('x', { send: ipcRenderer.send });\n`)).includes('Never expose ipcRenderer or one of its methods to the page.'));
  });

  it('refuse a generic send: a channel chosen at run time', async () => {
    const messages = await restricted(
      `${HEADER}contextBridge.exposeInMainWorld('x', {\n  send: (channel: string, ...args: unknown[]) => ipcRenderer.invoke(channel, ...args),\n  emit: (op: 'join') => ipcRenderer.send(apiChannel(op)),\n  tpl: (op: string) => ipcRenderer.invoke(\`agentdesk:\${op}\`),\n});\n`,
    );
    assert.equal(messages.filter((m) => m.startsWith('ipcRenderer.send/invoke take a fixed channel')).length, 3);
  });

  it('refuse exposing anything but an object literal of functions', async () => {
    const notLiteral = await restricted(`${HEADER}const api = { a: () => 1 };\ncontextBridge.exposeInMainWorld('x', api);\n`);
    assert.ok(notLiteral.includes('contextBridge exposes an object literal of named functions, nothing else.'));
    const spread = await restricted(`${HEADER}const api = { a: () => 1 };\ncontextBridge.exposeInMainWorld('x', { ...api });\n`);
    assert.ok(spread.includes('The exposed object names each function: no spread, no computed keys.'));
    const computed = await restricted(`${HEADER}const k = 'a';\ncontextBridge.exposeInMainWorld('x', { [k]: () => 1 });\n`);
    assert.ok(computed.includes('The exposed object names each function: no spread, no computed keys.'));
    const value = await restricted(`${HEADER}contextBridge.exposeInMainWorld('x', { version: '1', nested: { a: () => 1 } });\n`);
    assert.equal(value.filter((m) => m === 'Every property of the exposed object is a function.').length, 2);
  });

  it('refuse aliasing ipcRenderer, which would hide a generic send', async () => {
    const messages = await restricted(`${HEADER}const r = ipcRenderer;\nconst send = ipcRenderer['send'];\nconst bound = ipcRenderer.invoke.bind(ipcRenderer);\n`);
    assert.ok(messages.length >= 3, messages.join('\n'));
    assert.ok(messages.every((m) => m.startsWith('Call ipcRenderer methods directly')));
  });

  it('refuse listening on a channel chosen at run time', async () => {
    const messages = await restricted(`${HEADER}export function listen(channel: string) { ipcRenderer.on(channel, () => {}); }\n`);
    assert.deepEqual(messages, ['ipcRenderer listens on a fixed channel: STATE_CHANNEL, PAGE_FRAME_CHANNEL or a string literal.']);
  });

  it('apply to preload files only', async () => {
    assert.deepEqual(await restricted(`${HEADER}contextBridge.exposeInMainWorld('ipc', ipcRenderer);\n`, 'src/electron/shell-sample.ts'), []);
  });
});
