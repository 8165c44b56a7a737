import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { createLogger } from '../../../../server/log/create-logger.js';
import { OptionsStore } from '../../../../server/store/options-store.js';
import { startLiveAgentTokenSource, type LiveAgentTokenSource } from '../../../../server/store/live-agent-token-source.js';
import { readKeyFile } from '../../../../server/crypto/key-file.js';
import { sealOption } from '../../../../server/crypto/option-cipher.js';
import type { AgentTokenState } from '../../../../server/types.js';
import { tempDataDir } from './store-fixture.js';

const TOKEN_A = '11111111112222222222333333';
const TOKEN_B = '44444444445555555555666666';

/** Resolves with the next state a source reports, or rejects after `ms`. */
function nextChange(source: LiveAgentTokenSource, ms: number): Promise<{ state: AgentTokenState; after: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no change within ${ms} ms`));
    }, ms);
    const off = source.onChange((state) => {
      clearTimeout(timer);
      off();
      resolve({ state, after: Date.now() - started });
    });
  });
}

describe('live agent-token source', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let serverStore: OptionsStore;
  let writer: OptionsStore;
  let source: LiveAgentTokenSource | undefined;
  let logs: string[];
  const logger = () =>
    createLogger({
      destination: new Writable({
        write(chunk: Buffer, _e, done) {
          logs.push(chunk.toString());
          done();
        },
      }),
    });

  beforeEach(() => {
    tmp = tempDataDir();
    logs = [];
    serverStore = OptionsStore.open({ dataDir: tmp.dir, keyFile: tmp.keyFile, create: true });
    // A second connection plays the CLI in another process: its commits are what data_version sees.
    writer = OptionsStore.open({ dataDir: tmp.dir, keyFile: tmp.keyFile, create: true });
  });
  afterEach(() => {
    source?.close();
    serverStore.close();
    writer.close();
    tmp.cleanup();
  });

  it('reports a token set by another connection within one second', async () => {
    source = startLiveAgentTokenSource(serverStore, logger());
    assert.deepEqual(source.state(), { current: null, previous: null });
    const change = nextChange(source, 1_000);
    writer.setAgentToken(TOKEN_A);
    const { state } = await change;
    assert.equal(state.current, TOKEN_A);
    assert.equal(source.state().current, TOKEN_A);
  });

  it('reports a rotation with grace, then the end of the grace', async () => {
    writer.setAgentToken(TOKEN_A);
    source = startLiveAgentTokenSource(serverStore, logger());
    const rotated = nextChange(source, 1_000);
    writer.setAgentToken(TOKEN_B, { graceSeconds: 1 });
    const { state } = await rotated;
    assert.equal(state.current, TOKEN_B);
    assert.equal(state.previous?.token, TOKEN_A);
    const graceEnded = await nextChange(source, 2_000);
    assert.deepEqual(graceEnded.state, { current: TOKEN_B, previous: null });
    assert.ok(Date.now() >= state.previous!.validUntil, 'not reported before the grace ended');
    assert.deepEqual(source.state(), { current: TOKEN_B, previous: null });
  });

  it('reports a clear', async () => {
    writer.setAgentToken(TOKEN_A);
    source = startLiveAgentTokenSource(serverStore, logger());
    const cleared = nextChange(source, 1_000);
    writer.clearAgentToken();
    assert.deepEqual((await cleared).state, { current: null, previous: null });
  });

  it('ignores an invalid value from another writer, keeps the old one and warns naming the option', async () => {
    writer.setAgentToken(TOKEN_A);
    source = startLiveAgentTokenSource(serverStore, logger());
    let changes = 0;
    source.onChange(() => changes++);
    const ring = readKeyFile(tmp.keyFile)!;
    const bad = sealOption(ring, { name: 'slave.password', validUntil: null }, '12345');
    const db = new Database(join(tmp.dir, 'agentdesk.db'));
    db.prepare("UPDATE options SET key_id = ?, iv = ?, tag = ?, ciphertext = ? WHERE name = 'slave.password'").run(bad.keyId, bad.iv, bad.tag, bad.ciphertext);
    db.close();
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(changes, 0);
    assert.equal(source.state().current, TOKEN_A);
    const warning = logs.map((l) => JSON.parse(l) as { level: number; option?: string; msg: string }).find((l) => l.level === 40);
    assert.equal(warning?.option, 'slave.password');
    assert.match(warning?.msg ?? '', /slave\.password/);
  });

  it('stops reporting after close', async () => {
    source = startLiveAgentTokenSource(serverStore, logger());
    let changes = 0;
    source.onChange(() => changes++);
    source.close();
    writer.setAgentToken(TOKEN_A);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(changes, 0);
  });

  it('hears writes made through its own store at once', async () => {
    source = startLiveAgentTokenSource(serverStore, logger());
    const seen: AgentTokenState[] = [];
    source.onChange((s) => seen.push(s));
    serverStore.setAgentToken(TOKEN_A);
    assert.equal(seen.at(-1)?.current, TOKEN_A);
  });
});
