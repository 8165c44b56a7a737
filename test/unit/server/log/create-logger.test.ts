import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../../server/log/create-logger.js';

const TOKEN = '12345678901234567890123456';

/** A logger whose JSON lines are collected in memory. */
function capture(): { lines: () => string[]; logger: ReturnType<typeof createLogger> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ destination, level: 'debug' });
  return { logger, lines: () => chunks.join('').split('\n').filter((l) => l.length > 0) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the level, message and fields', () => {
    const { logger, lines } = capture();
    logger.info({ port: 8700 }, 'listening');
    const [line] = lines();
    const parsed = JSON.parse(line!) as Record<string, unknown>;
    assert.equal(parsed.msg, 'listening');
    assert.equal(parsed.port, 8700);
    assert.equal(parsed.level, 30);
    assert.equal(parsed.service, 'agentdesk-server');
  });

  it('redacts the agent-token and authorization headers of a logged request', () => {
    const { logger, lines } = capture();
    logger.info(
      { req: { method: 'GET', url: '/cobrowse/agent', headers: { 'x-cobrowse-agent-token': 'abc-not-digits', authorization: 'Bearer eyJhbGciOi.x.y', host: 'h' } } },
      'upgrade',
    );
    const parsed = JSON.parse(lines()[0]!) as { req: { headers: Record<string, string> } };
    assert.equal(parsed.req.headers['x-cobrowse-agent-token'], '[REDACTED]');
    assert.equal(parsed.req.headers.authorization, '[REDACTED]');
    assert.equal(parsed.req.headers.host, 'h');
    assert.doesNotMatch(lines()[0]!, /eyJhbGciOi|abc-not-digits/);
  });

  it('redacts fields named token, secret or password at any depth, including child bindings', () => {
    const { logger, lines } = capture();
    const child = logger.child({ session: { customerSecret: 'cs-value' } });
    child.warn({ token: 'tk-value', nested: { deeper: [{ password: 'pw-value', accessToken: 'at-value' }] }, kept: 'visible' }, 'x');
    child.child({ apiToken: 'gc-value' }).info('grandchild');
    const out = lines().join('\n');
    for (const secret of ['cs-value', 'tk-value', 'pw-value', 'at-value', 'gc-value']) assert.ok(!out.includes(secret), `${secret} leaked`);
    assert.ok(out.includes('visible'));
    const parsed = JSON.parse(lines()[0]!) as { nested: { deeper: { password: string }[] }; session: { customerSecret: string } };
    assert.equal(parsed.nested.deeper[0]!.password, '[REDACTED]');
    assert.equal(parsed.session.customerSecret, '[REDACTED]');
  });

  it('never writes a run of 26 digits, whatever field, message or error it hides in', () => {
    const { logger, lines } = capture();
    logger.info(`token is ${TOKEN}`);
    logger.info({ innocent: `x${TOKEN}y` }, 'field');
    logger.info({ longer: `9${TOKEN}9` }, 'a longer run hiding the token');
    logger.error({ err: new Error(`bad value ${TOKEN}`) }, 'failed');
    logger.info({ list: [TOKEN] }, 'array');
    const out = lines();
    assert.equal(out.length, 5);
    for (const line of out) {
      assert.ok(!line.includes(TOKEN), `token leaked in ${line}`);
      assert.doesNotMatch(line, /\d{26}/);
      JSON.parse(line);
    }
    assert.match(out[0]!, /token is \[REDACTED\]/);
    assert.match(out[3]!, /bad value \[REDACTED\]/);
  });

  it('keeps shorter digit runs such as timestamps, ports and 9-digit session codes', () => {
    const { logger, lines } = capture();
    logger.info({ code: '123456789', port: 8700 }, 'joined');
    const parsed = JSON.parse(lines()[0]!) as { code: string; port: number; time: number };
    assert.equal(parsed.code, '123456789');
    assert.equal(parsed.port, 8700);
    assert.equal(typeof parsed.time, 'number');
  });
});
