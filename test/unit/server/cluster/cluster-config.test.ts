import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentDeskError } from '../../../../common/errors.js';
import { buildClusterConfig, isClusterMode } from '../../../../server/cluster/cluster-config.js';
import { parseConfigText } from '../../../../server/config/config-file.js';

const REDIS = 'redis://127.0.0.1:6379';
const PG = 'postgres://agentdesk:pw@127.0.0.1:5432/agentdesk';

describe('cluster config', () => {
  it('nothing configured: one process on SQLite', () => {
    const config = buildClusterConfig({}, {});
    assert.equal(config.redisUrl, null);
    assert.equal(config.postgresUrl, null);
    assert.equal(isClusterMode(config), false);
    assert.ok(config.nodeName.length > 0);
  });

  it('reads cluster.redis and store.postgres from the file; the environment wins', () => {
    const file = parseConfigText('c.json', JSON.stringify({ cluster: { redis: REDIS }, store: { postgres: PG } }));
    assert.deepEqual({ ...buildClusterConfig(file, {}), nodeName: '' }, { redisUrl: REDIS, postgresUrl: PG, nodeName: '' });
    const env = { AGENTDESK_REDIS_URL: 'rediss://cache.internal:6380', AGENTDESK_POSTGRES_URL: 'postgresql://db.internal/ad', AGENTDESK_NODE_NAME: 'node-7' };
    assert.deepEqual(buildClusterConfig(file, env), { redisUrl: 'rediss://cache.internal:6380', postgresUrl: 'postgresql://db.internal/ad', nodeName: 'node-7' });
  });

  it('Redis without PostgreSQL is refused: nodes must share options and audit', () => {
    assert.throws(() => buildClusterConfig({}, { AGENTDESK_REDIS_URL: REDIS }), (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_CONFIG_INVALID' && /store\.postgres/.test(err.message));
    assert.equal(buildClusterConfig({}, { AGENTDESK_POSTGRES_URL: PG }).postgresUrl, PG, 'PostgreSQL alone serves one node');
  });

  it('a bad URL names the setting, never echoes the value', () => {
    assert.throws(() => parseConfigText('c.json', JSON.stringify({ cluster: { redis: 'http://u:secretpw@x' } })), (err: unknown) => err instanceof AgentDeskError && /cluster\.redis must be a URL like redis:\/\//.test(err.message) && !err.message.includes('secretpw'));
    assert.throws(() => parseConfigText('c.json', JSON.stringify({ store: { extra: 1 } })), /store has unknown setting/);
    assert.throws(() => buildClusterConfig({}, { AGENTDESK_POSTGRES_URL: 'mysql://u:secretpw@h/db' }), (err: unknown) => err instanceof AgentDeskError && /AGENTDESK_POSTGRES_URL must be a URL like postgres:\/\//.test(err.message) && !err.message.includes('secretpw'));
  });
});
