import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ERROR_MESSAGES } from '../../../common/errors.js';
import { startTestProvider, TEST_AGENT, type TestProvider } from '../auth/helpers/test-provider.js';

const run = promisify(execFile);

// A child process whose D-Bus session address points at a socket that does not exist: keytar finds
// no Secret Service, exactly as on a Linux desktop without a keyring.
describe('no keychain reachable', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider();
  });
  after(async () => {
    await idp.close();
  });

  it('raises KEYCHAIN_UNAVAILABLE, keeps the agent signed in from memory, and says the sign-in will not be kept', async () => {
    const fixture = new URL('./fixtures/no-keychain-agent.ts', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture, idp.issuer, idp.clientId], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/agentdesk-test-bus' },
      timeout: 60_000,
    });
    const result = JSON.parse(stdout) as {
      directError: { code: string; message: string };
      agent: { name: string; email: string };
      state: { status: string; tokensKept: boolean; warning: { code: string; message: string } | null };
      accessTokenLength: number;
      agentTokenRead: string | null;
      agentTokenWarnings: string[];
    };
    assert.deepEqual(result.directError, { code: 'KEYCHAIN_UNAVAILABLE', message: ERROR_MESSAGES.KEYCHAIN_UNAVAILABLE });
    assert.deepEqual(result.agent, { name: TEST_AGENT.name, email: TEST_AGENT.email });
    assert.equal(result.state.status, 'signed-in');
    assert.equal(result.state.tokensKept, false);
    assert.deepEqual(result.state.warning, { code: 'KEYCHAIN_UNAVAILABLE', message: ERROR_MESSAGES.KEYCHAIN_UNAVAILABLE });
    assert.ok(result.accessTokenLength > 20);
    assert.equal(result.agentTokenRead, '12345678901234567890123456');
    assert.deepEqual(result.agentTokenWarnings, ['KEYCHAIN_UNAVAILABLE']);
  });
});
