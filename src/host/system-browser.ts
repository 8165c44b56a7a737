// Opens a URL in the agent's system browser: $BROWSER when set (as xdg-open, Python's webbrowser
// and git do; the URL is its last argument, which is also how tests play the system browser),
// otherwise the platform's opener.
import { spawn } from 'node:child_process';

export interface OpenerCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export function openerFor(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): OpenerCommand {
  const browser = env.BROWSER?.split(':')[0]?.trim();
  if (browser) {
    // $BROWSER may carry arguments ("firefox --new-window"); %s marks where the URL goes.
    const parts = browser.split(/\s+/);
    const [command, ...args] = parts as [string, ...string[]];
    return args.includes('%s') ? { command, args: args.map((a) => (a === '%s' ? url : a)) } : { command, args: [...args, url] };
  }
  switch (platform) {
    case 'darwin':
      return { command: 'open', args: [url] };
    case 'win32':
      // `start` is a cmd built-in; the empty string is the window title it expects first.
      return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] };
    default:
      return { command: 'xdg-open', args: [url] };
  }
}

/** Resolves once the opener started; rejects when it cannot be run or exits with an error. */
export function openInSystemBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { command, args } = openerFor(url, env);
  return new Promise((resolve, reject) => {
    // No shell: the URL is one argument, never interpreted by a shell.
    const child = spawn(command, [...args], { stdio: 'ignore', detached: true, env });
    child.once('error', (error) => reject(new Error(`Could not open the system browser with "${command}": ${error.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
