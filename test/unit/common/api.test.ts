import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  API_ARGUMENT_SCHEMAS,
  API_OPERATIONS,
  apiChannel,
  isApiOperation,
  parseApiArguments,
  type ApiOperation,
  type ProviderSettings,
} from '../../../common/api.js';
import { ERROR_MESSAGES } from '../../../common/errors.js';

const TOKEN = '01234567890123456789012345';

const provider: ProviderSettings = {
  id: 'demo',
  label: 'Demo identity provider',
  issuer: 'http://127.0.0.1:9000/oidc',
  clientId: 'agentdesk',
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  redirect: 'custom-scheme',
};

function rejected(operation: ApiOperation, args: unknown): string {
  const result = parseApiArguments(operation, args);
  assert.equal(result.ok, false, `${operation}(${JSON.stringify(args)}) should be rejected`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.error.code, 'API_ARGUMENT_INVALID');
  return result.error.message;
}

function accepted<Op extends ApiOperation>(operation: Op, args: unknown) {
  const result = parseApiArguments(operation, args);
  if (!result.ok) assert.fail(`${operation} rejected: ${result.error.message}`);
  return result.args;
}

describe('the renderer ↔ main contract (common/api.ts)', () => {
  it('has one IPC channel per operation, and no generic one', () => {
    const channels = API_OPERATIONS.map(apiChannel);
    assert.equal(new Set(channels).size, API_OPERATIONS.length);
    assert.ok(channels.includes('agentdesk:join'));
    assert.ok(channels.includes('agentdesk:saveAgentToken'));
    assert.ok(!API_OPERATIONS.some((op) => /^(send|invoke|on|call)$/i.test(op)));
    assert.equal(isApiOperation('join'), true);
    assert.equal(isApiOperation('send'), false);
    assert.equal(isApiOperation('__proto__'), false);
  });

  it('offers no operation that returns a token to the renderer', () => {
    assert.ok(!API_OPERATIONS.some((op) => /^(get|read|load).*token/i.test(op)), API_OPERATIONS.join(', '));
  });

  it('documents its error code with the words the UI shows', () => {
    assert.ok(Object.hasOwn(ERROR_MESSAGES, 'API_ARGUMENT_INVALID'));
  });

  describe('operations without arguments', () => {
    for (const op of ['getState', 'cancelSignIn', 'getSignInLink', 'signOut', 'leave', 'retry', 'getSettings', 'clearAgentToken'] as const) {
      it(`${op} takes none`, () => {
        assert.deepEqual(accepted(op, []), []);
        assert.equal(rejected(op, ['extra']), `${op}: takes 0 arguments`);
        assert.equal(rejected(op, undefined), `${op}: takes 0 arguments`);
      });
    }
  });

  describe('join(code)', () => {
    it('accepts 9 digits, and the groups a customer reads out', () => {
      assert.deepEqual(accepted('join', ['123456789']), ['123456789']);
      assert.deepEqual(accepted('join', ['123 456 789']), ['123456789']);
      assert.deepEqual(accepted('join', ['123-456-789']), ['123456789']);
      assert.deepEqual(accepted('join', ['000000000']), ['000000000']);
      assert.deepEqual(accepted('join', ['123456789\n']), ['123456789'], 'a pasted code with its line break');
    });

    it('rejects everything else with a message naming the argument', () => {
      for (const bad of ['12345678', '1234567890', '12345678a', '', '١٢٣٤٥٦٧٨٩', '123.456.789', 123456789, null]) {
        const message = rejected('join', [bad]);
        assert.match(message, /^join: argument 1: /, String(bad));
      }
      assert.equal(rejected('join', ['12345678']), 'join: argument 1: a session code is 9 digits');
      assert.equal(rejected('join', []), 'join: takes 1 argument');
      assert.equal(rejected('join', '123456789'), 'join: takes 1 argument');
      assert.equal(rejected('join', ['123456789', 'x']), 'join: takes 1 argument');
    });

    it('rejects a huge string before looking at it', () => {
      assert.equal(rejected('join', ['1'.repeat(100_000)]), 'join: argument 1: a session code is 9 digits');
    });
  });

  describe('signIn(providerId)', () => {
    it('accepts short lowercase IDs only', () => {
      assert.deepEqual(accepted('signIn', ['genesys-usw2']), ['genesys-usw2']);
      for (const bad of ['', 'Demo', '../x', 'a b', '-x', 'x'.repeat(64)]) {
        assert.equal(rejected('signIn', [bad]), 'signIn: argument 1: a provider ID is 1 to 63 lowercase letters, digits or hyphens', bad);
      }
      assert.match(rejected('signIn', [42]), /^signIn: argument 1: .*string/);
    });
  });

  describe('saveAgentToken(token)', () => {
    it('accepts exactly 26 digits, leading zeros included', () => {
      assert.deepEqual(accepted('saveAgentToken', [TOKEN]), [TOKEN]);
    });

    it('rejects 25 or 27 digits, letters and spaces, and never echoes the value', () => {
      for (const bad of [TOKEN.slice(1), `${TOKEN}0`, `${TOKEN.slice(1)}a`, ` ${TOKEN.slice(1)}`, `${TOKEN.slice(0, 13)} ${TOKEN.slice(13, 25)}`]) {
        const message = rejected('saveAgentToken', [bad]);
        assert.equal(message, 'saveAgentToken: argument 1: an agent token is exactly 26 digits');
        assert.ok(!message.includes(bad.trim().slice(0, 10)), 'the message must not contain the token');
      }
    });
  });

  describe('saveSettings({serverUrl, providers})', () => {
    it('accepts a server URL and a list of providers', () => {
      const [settings] = accepted('saveSettings', [{ serverUrl: ' https://cobrowse.example.com ', providers: [provider] }]);
      assert.equal(settings.serverUrl, 'https://cobrowse.example.com');
      assert.deepEqual(settings.providers, [provider]);
      assert.deepEqual(accepted('saveSettings', [{ serverUrl: null, providers: [] }]), [{ serverUrl: null, providers: [] }]);
      assert.equal(accepted('saveSettings', [{ serverUrl: 'http://127.0.0.1:8700', providers: [] }])[0].serverUrl, 'http://127.0.0.1:8700');
    });

    it('rejects server URLs that are not plain http(s), naming the field', () => {
      for (const bad of ['ftp://example.com', 'ws://example.com', 'javascript:alert(1)', 'https://user:pw@example.com', 'https://example.com/?token=1', 'https://example.com/#x', 'example.com', '']) {
        assert.equal(
          rejected('saveSettings', [{ serverUrl: bad, providers: [] }]),
          'saveSettings: argument 1 serverUrl: the server URL must be an http:// or https:// URL with no user name, password, query or fragment',
          bad,
        );
      }
    });

    it('rejects incomplete or duplicate providers, naming the field', () => {
      assert.equal(
        rejected('saveSettings', [{ serverUrl: null, providers: [{ ...provider, label: ' ' }] }]),
        'saveSettings: argument 1 providers.0.label: a provider needs a name',
      );
      assert.equal(
        rejected('saveSettings', [{ serverUrl: null, providers: [provider, { ...provider, clientId: '' }] }]),
        'saveSettings: argument 1 providers.1.clientId: a provider needs a client ID',
      );
      assert.equal(
        rejected('saveSettings', [{ serverUrl: null, providers: [provider, provider] }]),
        'saveSettings: argument 1 providers: provider IDs must be unique',
      );
      assert.match(
        rejected('saveSettings', [{ serverUrl: null, providers: [{ ...provider, issuer: 'https://idp.example.com/?x=1' }] }]),
        /^saveSettings: argument 1 providers\.0\.issuer: the issuer must be an http/,
      );
      assert.match(
        rejected('saveSettings', [{ serverUrl: null, providers: [{ ...provider, redirect: 'popup' }] }]),
        /^saveSettings: argument 1 providers\.0\.redirect: /,
      );
      assert.match(rejected('saveSettings', [{ serverUrl: null, providers: [{ ...provider, scopes: ['open id'] }] }]), /a scope is one word/);
    });

    it('rejects unknown fields instead of passing them on (no client secret, no token)', () => {
      assert.match(rejected('saveSettings', [{ serverUrl: null, providers: [], agentToken: TOKEN }]), /^saveSettings: argument 1: /);
      assert.match(rejected('saveSettings', [{ serverUrl: null, providers: [{ ...provider, clientSecret: 's' }] }]), /^saveSettings: argument 1 providers\.0: /);
    });
  });

  it('has a schema for every operation of the interface', () => {
    assert.deepEqual(
      [...API_OPERATIONS].sort(),
      [
        'annotate',
        'bringBackView',
        'cancelSignIn',
        'clearAgentToken',
        'endProviderSession',
        'getSettings',
        'getSignInLink',
        'getState',
        'join',
        'leave',
        'moveCursor',
        'pointAt',
        'popOutView',
        'refreshView',
        'releaseControl',
        'requestControl',
        'retry',
        'saveAgentToken',
        'saveSettings',
        'sendAction',
        'signIn',
        'signOut',
      ],
    );
    for (const op of API_OPERATIONS) assert.ok(API_ARGUMENT_SCHEMAS[op]);
  });
});
