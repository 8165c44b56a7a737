import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createElectronDesktop } from '../../../src/electron/electron-desktop.js';
import { isPermissionGranted } from '../../../src/electron/permission-policy.js';
import { protocolClientLaunch, SIGN_IN_SCHEME } from '../../../src/electron/protocol-client.js';

function desktop(launch = {}) {
  const opened: string[] = [];
  const asked: unknown[][] = [];
  const port = createElectronDesktop({
    shell: { openExternal: async (url: string) => void opened.push(url) },
    app: { isDefaultProtocolClient: (...args: unknown[]) => (asked.push(args), true) },
    userDataDir: '/home/agent/.config/AgentDesk',
    launch,
  });
  return { port, opened, asked };
}

describe('the Electron Desktop port', () => {
  it('opens https sign-in pages and loopback http in the system browser', async () => {
    const { port, opened } = desktop();
    await port.openExternal('https://login.example.org/authorize?state=x');
    await port.openExternal('http://127.0.0.1:8701/auth?state=y');
    assert.deepEqual(opened, ['https://login.example.org/authorize?state=x', 'http://127.0.0.1:8701/auth?state=y']);
  });

  it('refuses anything else without reaching the OS', async () => {
    const { port, opened } = desktop();
    for (const url of ['http://login.example.org/', 'file:///etc/passwd', 'javascript:alert(1)', `${SIGN_IN_SCHEME}:/oauth/callback`]) {
      await assert.rejects(port.openExternal(url), /Only https URLs/, url);
    }
    assert.deepEqual(opened, []);
  });

  it('asks Electron about the scheme with the same launch arguments it registered', async () => {
    const packaged = desktop();
    assert.equal(await packaged.port.isSchemeRegistered(SIGN_IN_SCHEME), true);
    assert.deepEqual(packaged.asked, [[SIGN_IN_SCHEME]]);
    const dev = desktop({ path: '/usr/lib/electron', args: ['/src/agentdesk/dist/electron/main.js'] });
    await dev.port.isSchemeRegistered(SIGN_IN_SCHEME);
    assert.deepEqual(dev.asked, [[SIGN_IN_SCHEME, '/usr/lib/electron', ['/src/agentdesk/dist/electron/main.js']]]);
  });

  it("keeps its data in Electron's userData folder", () => {
    assert.equal(desktop().port.appDataDir, '/home/agent/.config/AgentDesk');
  });
});

describe('protocolClientLaunch', () => {
  it('registers the packaged app as it is', () => {
    assert.deepEqual(protocolClientLaunch({ execPath: '/opt/AgentDesk/agentdesk', argv: ['/opt/AgentDesk/agentdesk'] }), {});
    assert.deepEqual(protocolClientLaunch({ defaultApp: false, execPath: '/opt/AgentDesk/agentdesk', argv: ['/opt/AgentDesk/agentdesk', 'x'] }), {});
  });

  it('in development, has the OS start Electron with the app path made absolute', () => {
    const launch = protocolClientLaunch({ defaultApp: true, execPath: '/usr/lib/electron/electron', argv: ['/usr/lib/electron/electron', 'dist/electron/main.js'] });
    assert.equal(launch.path, '/usr/lib/electron/electron');
    assert.deepEqual(launch.args, [`${process.cwd()}/dist/electron/main.js`]);
  });
});

describe('isPermissionGranted', () => {
  it('grants only clipboard writes, full screen and notifications, and only to the renderer bundle (main window and pop-out)', () => {
    for (const permission of ['clipboard-sanitized-write', 'fullscreen', 'notifications']) {
      assert.equal(isPermissionGranted(permission, 'app://agentdesk/index.html'), true, permission);
      assert.equal(isPermissionGranted(permission, 'app://agentdesk/index.html?view=pop-out'), true, permission);
      assert.equal(isPermissionGranted(permission, 'https://evil.example.com/'), false, permission);
    }
    for (const permission of ['clipboard-read', 'media', 'geolocation', 'openExternal', 'pointerLock', 'unknown']) {
      assert.equal(isPermissionGranted(permission, 'app://agentdesk/index.html'), false, permission);
    }
  });
});
