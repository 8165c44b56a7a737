import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDeskError } from '../../../common/errors.js';
import { readShellConfig } from '../../../src/electron/shell-config.js';

describe('readShellConfig', () => {
  it('defaults when nothing is set, ignoring unrelated and empty variables', () => {
    assert.deepEqual(readShellConfig({ PATH: '/usr/bin', AGENTDESK_SERVER_URL: '', AGENTDESK_CHROMIUM: '/usr/bin/chromium' }), {
      providersFile: undefined,
      defaultServerUrl: undefined,
      caFile: undefined,
      profile: 'default',
      userDataDir: undefined,
      registerScheme: true,
    });
  });

  it('turns the sign-in scheme registration off only for AGENTDESK_SCHEME_REGISTRATION=off', () => {
    assert.equal(readShellConfig({ AGENTDESK_SCHEME_REGISTRATION: 'off' }).registerScheme, false);
    assert.equal(readShellConfig({ AGENTDESK_SCHEME_REGISTRATION: 'on' }).registerScheme, true);
    assert.throws(() => readShellConfig({ AGENTDESK_SCHEME_REGISTRATION: 'no' }), /AGENTDESK_SCHEME_REGISTRATION must be "on" or "off"/);
  });

  it('reads every AGENTDESK_ setting', () => {
    assert.deepEqual(
      readShellConfig({
        AGENTDESK_PROVIDERS_FILE: '/etc/agentdesk/providers.json',
        AGENTDESK_SERVER_URL: 'http://127.0.0.1:8700',
        AGENTDESK_PROFILE: 'e2e-1',
        AGENTDESK_USER_DATA_DIR: '/tmp/agentdesk-e2e',
        AGENTDESK_CA_FILE: '/etc/agentdesk/company-ca.pem',
      }),
      { providersFile: '/etc/agentdesk/providers.json', defaultServerUrl: 'http://127.0.0.1:8700', caFile: '/etc/agentdesk/company-ca.pem', profile: 'e2e-1', userDataDir: '/tmp/agentdesk-e2e', registerScheme: true },
    );
  });

  it('refuses bad values with ELECTRON_ENV_INVALID naming the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ AGENTDESK_PROVIDERS_FILE: 'providers.json' }, /AGENTDESK_PROVIDERS_FILE: AGENTDESK_PROVIDERS_FILE must be an absolute path/],
      [{ AGENTDESK_SERVER_URL: 'https://server.example.com/?token=1' }, /AGENTDESK_SERVER_URL: /],
      [{ AGENTDESK_PROFILE: '../other' }, /AGENTDESK_PROFILE: /],
      [{ AGENTDESK_USER_DATA_DIR: 'relative/dir' }, /AGENTDESK_USER_DATA_DIR: /],
      [{ AGENTDESK_CA_FILE: 'ca.pem' }, /AGENTDESK_CA_FILE: AGENTDESK_CA_FILE must be an absolute path/],
      [{ AGENTDESK_SERVER_URL: 'http://cobrowse.example.com' }, /AGENTDESK_SERVER_URL: the server URL must start with https:\/\//],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => readShellConfig(env),
        (error: unknown) => error instanceof AgentDeskError && error.code === 'ELECTRON_ENV_INVALID' && message.test(error.message),
        JSON.stringify(env),
      );
    }
  });
});
