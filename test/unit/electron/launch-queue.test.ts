import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LaunchQueue, type LaunchTarget } from '../../../src/electron/launch-queue.js';
import { LAUNCH_QUEUE_MAX } from '../../../src/electron/limits.js';

function recorder(): { target: LaunchTarget; seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    target: {
      handleArgv: async (argv) => {
        seen.push(`argv:${argv.join(' ')}`);
        return false;
      },
      handleOpenUrl: async (url) => {
        seen.push(`url:${url}`);
        return true;
      },
    },
  };
}

describe('LaunchQueue', () => {
  it('holds hand-overs until the core attaches, then replays them in order', async () => {
    const queue = new LaunchQueue(() => assert.fail('no error expected'));
    queue.deliver({ kind: 'open-url', url: 'com.agentdesk.desktop:/oauth/callback?code=a&state=b' });
    queue.deliver({ kind: 'argv', argv: ['/opt/AgentDesk/agentdesk', '--flag'] });
    const { target, seen } = recorder();
    assert.deepEqual(seen, []);
    await queue.attach(target);
    assert.deepEqual(seen, ['url:com.agentdesk.desktop:/oauth/callback?code=a&state=b', 'argv:/opt/AgentDesk/agentdesk --flag']);
  });

  it('delivers later hand-overs straight away, one after another', async () => {
    const queue = new LaunchQueue(() => assert.fail('no error expected'));
    const { target, seen } = recorder();
    await queue.attach(target);
    queue.deliver({ kind: 'argv', argv: ['x'] });
    queue.deliver({ kind: 'open-url', url: 'y' });
    await queue.attach(target);
    assert.deepEqual(seen, ['argv:x', 'url:y']);
  });

  it('keeps only the newest entries when flooded before the core is ready', async () => {
    const queue = new LaunchQueue(() => {});
    for (let i = 0; i < LAUNCH_QUEUE_MAX + 5; i += 1) queue.deliver({ kind: 'open-url', url: `u${i}` });
    const { target, seen } = recorder();
    await queue.attach(target);
    assert.equal(seen.length, LAUNCH_QUEUE_MAX);
    assert.equal(seen[0], 'url:u5');
    assert.equal(queue.dropped, 5);
  });

  it('reports a failing hand-over and goes on with the next', async () => {
    const errors: unknown[] = [];
    const queue = new LaunchQueue((error) => errors.push(error));
    const seen: string[] = [];
    queue.deliver({ kind: 'open-url', url: 'bad' });
    queue.deliver({ kind: 'open-url', url: 'good' });
    await queue.attach({
      handleArgv: async () => false,
      handleOpenUrl: async (url) => {
        if (url === 'bad') throw new Error('boom');
        seen.push(url);
        return true;
      },
    });
    assert.equal((errors[0] as Error).message, 'boom');
    assert.deepEqual(seen, ['good']);
  });
});
