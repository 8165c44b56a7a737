import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthState } from '../../../src/auth/auth-service.js';
import { createKeytarSecretStore } from '../../../src/vault/keytar-secret-store.js';
import { keychainService } from '../../../src/vault/keychain-names.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createHarness } from './helpers/sign-in-harness.js';
import { startTestProvider, type TestProvider } from './helpers/test-provider.js';

/** Files under `dir` modified since `since` (ms), skipping what cannot be read. */
async function filesChangedSince(dir: string, since: number, depth = 6): Promise<string[]> {
  const found: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    try {
      if (entry.isDirectory() && depth > 0) found.push(...(await filesChangedSince(path, since, depth - 1)));
      else if (entry.isFile() && (await stat(path)).mtimeMs >= since) found.push(path);
    } catch {
      // vanished or unreadable (another test's files)
    }
  }
  return found;
}

describe('no token in logs, files, temp dirs or state', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider({ accessTokenTtl: 600 });
  });
  after(async () => {
    await idp.close();
  });

  it('after sign-in, refresh and sign-out, no access, refresh or ID token appears anywhere but the keychain', async () => {
    const started = Date.now() - 1000;
    const clock = new FakeClock();
    const store = createKeytarSecretStore(keychainService(`test-${randomUUID()}`));
    const h = await createHarness({ idp, store, clock });
    const states: AuthState[] = [];
    h.service.onChange((s) => states.push(s));
    await h.signIn();
    await h.service.getAccessToken();
    clock.advance(600_000);
    await h.service.getAccessToken();
    await h.service.signOut({ endSession: true });

    const tokens = [...idp.issuedTokens];
    assert.ok(tokens.length >= 5, `sign-in and refresh issued tokens (${tokens.length})`);
    const places: { name: string; text: string }[] = [
      { name: 'service logs', text: h.logs() },
      { name: 'emitted states', text: JSON.stringify(states) },
      { name: 'opened URLs', text: h.desktop.opened.join('\n') },
    ];
    const roots = [h.dir, tmpdir(), process.env.XDG_DATA_HOME, process.env.XDG_CACHE_HOME, process.env.XDG_RUNTIME_DIR].filter((d): d is string => !!d);
    let scanned = 0;
    for (const root of new Set(roots)) {
      for (const file of await filesChangedSince(root, started)) {
        const content = await readFile(file).catch(() => null);
        if (!content || content.length > 20_000_000) continue;
        scanned += 1;
        places.push({ name: file, text: content.toString('latin1') });
      }
    }
    assert.ok(h.logs().includes('signed in') && h.logs().includes('access token refreshed'), 'the logs were captured');
    for (const place of places) {
      for (const token of tokens) {
        assert.ok(!place.text.includes(token), `a token (${token.slice(0, 6)}…) appears in ${place.name}`);
        // Also no large fragment of it (e.g. a JWT payload logged on its own).
        for (const part of token.split('.').filter((p) => p.length >= 24)) {
          assert.ok(!place.text.includes(part), `part of a token appears in ${place.name}`);
        }
      }
    }
    // Under scripts/with-secret-service.sh the keyring's own file is among them: it is encrypted.
    if (process.env.AGENTDESK_SECRET_SERVICE) assert.ok(places.some((p) => p.name.includes('keyrings')), `the keyring file was scanned (${scanned} files)`);
  });
});
