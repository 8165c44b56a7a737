import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDeskError } from '../../../../common/errors.js';
import { parseConfigText, readConfigFile } from '../../../../server/config/config-file.js';
import { buildServerConfig } from '../../../../server/config/build-server-config.js';

function refusedWith(text: string, expected: string): void {
  assert.throws(
    () => parseConfigText('config.json', text),
    (err: unknown) => {
      assert.ok(err instanceof AgentDeskError);
      assert.equal(err.code, 'SERVER_CONFIG_INVALID');
      assert.equal(err.message, expected);
      return true;
    },
  );
}

describe('config file', () => {
  it('names the field and what it must be', () => {
    refusedWith('{"agentAuth":"strict"}', 'config.json: agentAuth must be "compatible" or "required"');
    refusedWith('{"port":"8700"}', 'config.json: port must be a whole number from 0 to 65535');
    refusedWith('{"port":70000}', 'config.json: port must be a whole number from 0 to 65535');
    refusedWith('{"host":""}', 'config.json: host must be a host name or IP address');
    refusedWith(
      '{"customerOrigins":["https://shop.example.com","https://shop.example.com/checkout"]}',
      'config.json: customerOrigins[1] must be an origin like https://shop.example.com (scheme, host and optional port; no path)',
    );
    refusedWith('{"customerOrigins":"https://shop.example.com"}', 'config.json: customerOrigins must be a list of origins');
    refusedWith('{"oidc":{"issuer":"http://idp.example.com","audience":"cobrowse"}}', 'config.json: oidc.issuer must be an https URL (http only on 127.0.0.1, localhost or [::1])');
    refusedWith('{"oidc":{"issuer":"https://idp.example.com"}}', 'config.json: oidc.audience must be a non-empty string');
    refusedWith('{"oidc":"yes"}', 'config.json: oidc must be an object with issuer and audience, or null');
    refusedWith('[]', 'config.json: must be a JSON object');
  });

  it('refuses unknown settings, naming them', () => {
    refusedWith('{"prot":8700}', 'config.json: unknown setting(s) "prot"');
    refusedWith('{"oidc":{"issuer":"https://idp.example.com","audience":"a","clientId":"x"}}', 'config.json: oidc has unknown setting(s) "clientId"');
  });

  it('takes the capacity limits an operator sizes, and refuses the others or a value out of range', () => {
    const values = parseConfigText('config.json', '{"limits":{"maxConnectionsPerAddress":2000,"sessionCreatesTotalPerWindow":5000,"maxLiveSessions":20000}}');
    assert.deepEqual(values.limits, { maxConnectionsPerAddress: 2000, sessionCreatesTotalPerWindow: 5000, maxLiveSessions: 20000 });
    refusedWith('{"limits":{"maxConnectionsPerAddress":0}}', 'config.json: limits.maxConnectionsPerAddress must be a whole number from 1 to 1000000');
    refusedWith('{"limits":{"maxLiveSessions":2.5}}', 'config.json: limits.maxLiveSessions must be a whole number from 1 to 1000000');
    refusedWith('{"limits":{"customerMaxPayloadBytes":100000000}}', 'config.json: limits has unknown setting(s) "customerMaxPayloadBytes"');
    refusedWith('{"limits":[]}', 'config.json: limits must be an object like {"maxConnectionsPerAddress": 2000}');
  });

  it('refuses text that is not JSON, saying so', () => {
    assert.throws(() => parseConfigText('config.json', '{port: 1}'), (err: unknown) => err instanceof AgentDeskError && /^config\.json: is not valid JSON/.test(err.message));
  });

  it('accepts every setting and normalises origins as browsers send them', () => {
    const values = parseConfigText(
      '/etc/agentdesk/config.json',
      JSON.stringify({
        host: '0.0.0.0',
        port: 9000,
        keyFile: 'keys/options.key',
        agentAuth: 'required',
        oidc: { issuer: 'https://idp.example.com/realms/a', audience: 'cobrowse' },
        customerOrigins: ['https://Shop.Example.com/', 'http://127.0.0.1:3000'],
        trustedProxies: ['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '::1'],
        tls: { cert: 'tls/server.pem', key: '/etc/agentdesk/tls/server.key', ca: 'tls/chain.pem' },
      }),
    );
    assert.deepEqual(values, {
      host: '0.0.0.0',
      port: 9000,
      keyFile: '/etc/agentdesk/keys/options.key',
      agentAuth: 'required',
      oidc: { issuer: 'https://idp.example.com/realms/a', audience: 'cobrowse' },
      customerOrigins: ['https://shop.example.com', 'http://127.0.0.1:3000'],
      trustedProxies: ['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '::1'],
      tls: { cert: '/etc/agentdesk/tls/server.pem', key: '/etc/agentdesk/tls/server.key', ca: '/etc/agentdesk/tls/chain.pem' },
    });
  });

  it('refuses a trusted proxy that is not an address or CIDR, and a tls block without its files', () => {
    refusedWith('{"trustedProxies":["10.0.0.0/8","proxy.example.com"]}', 'config.json: trustedProxies[1] must be an IP address or CIDR like 10.0.0.0/8 or fd00::/8');
    refusedWith('{"trustedProxies":["10.0.0.0/33"]}', 'config.json: trustedProxies[0] must be an IP address or CIDR like 10.0.0.0/8 or fd00::/8');
    refusedWith('{"tls":{"cert":"a.pem"}}', 'config.json: tls.key must be the path of a PEM private key file');
    refusedWith('{"tls":{"cert":"a.pem","key":"a.key","passphrase":"x"}}', 'config.json: tls has unknown setting(s) "passphrase"');
  });
});

describe('buildServerConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentdesk-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the defaults: 127.0.0.1:8700, compatible, no OIDC, key file in the data dir, own origin', () => {
    const config = buildServerConfig({ dataDir: join(dir, 'data') });
    assert.deepEqual(config, {
      host: '127.0.0.1',
      port: 8700,
      dataDir: join(dir, 'data'),
      keyFile: join(dir, 'data', 'options.key'),
      agentAuth: 'compatible',
      oidc: null,
      customerOrigins: ['http://127.0.0.1:8700'],
      assetOrigins: [],
      trustedProxies: [],
      tls: null,
      drainSeconds: 0,
    });
  });

  it('lets flags override the file, and adds the configured origins after the own origin', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ host: '10.0.0.5', port: 9000, agentAuth: 'required', customerOrigins: ['https://shop.example.com'] }));
    const config = buildServerConfig({ dataDir: dir, port: 9100, configFile: file, insecureHttp: true });
    assert.equal(config.host, '10.0.0.5');
    assert.equal(config.port, 9100);
    assert.equal(config.agentAuth, 'required');
    assert.deepEqual(config.customerOrigins, ['http://10.0.0.5:9100', 'https://shop.example.com']);
  });

  it('has no own origin for port 0 or a wildcard host, and brackets IPv6', () => {
    assert.deepEqual(buildServerConfig({ dataDir: dir, port: 0 }).customerOrigins, []);
    assert.deepEqual(buildServerConfig({ dataDir: dir, host: '0.0.0.0', insecureHttp: true }).customerOrigins, []);
    assert.deepEqual(buildServerConfig({ dataDir: dir, host: '::1' }).customerOrigins, ['http://[::1]:8700']);
  });

  it('refuses plain HTTP on a network address unless TLS, a trusted proxy or --insecure-http says how tokens stay safe', () => {
    const refused = (err: unknown): boolean => err instanceof AgentDeskError && err.code === 'SERVER_PLAIN_HTTP_REFUSED' && /10\.0\.0\.5.*tls.*trustedProxies.*--insecure-http/.test(err.message);
    assert.throws(() => buildServerConfig({ dataDir: dir, host: '10.0.0.5' }), refused);
    assert.throws(() => buildServerConfig({ dataDir: dir, host: '0.0.0.0' }), (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_PLAIN_HTTP_REFUSED');
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) assert.equal(buildServerConfig({ dataDir: dir, host }).host, host);
    const behindProxy = buildServerConfig({ dataDir: dir, host: '10.0.0.5' }, { trustedProxies: ['10.0.0.1', 'fd00::/8'] });
    assert.deepEqual(behindProxy.trustedProxies, ['10.0.0.1', 'fd00::/8']);
    const withTls = buildServerConfig({ dataDir: dir, host: '10.0.0.5', port: 8443 }, { tls: { cert: '/etc/a.pem', key: '/etc/a.key' } });
    assert.deepEqual(withTls.tls, { cert: '/etc/a.pem', key: '/etc/a.key' });
    assert.deepEqual(withTls.customerOrigins, ['https://10.0.0.5:8443'], 'the own origin is https when the server serves TLS');
  });

  it('names a config file that does not exist', () => {
    const file = join(dir, 'missing.json');
    assert.throws(() => readConfigFile(file), (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_CONFIG_INVALID' && err.message === `${file}: cannot be read (ENOENT)`);
  });
});
