// Runs `npm start` (the README's first command) as a user would, on free ports, in its own process
// group, and reads the lines it prints. For the first-run and orphan tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export interface NpmStart {
  readonly child: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Each part's URL, from its `<Part>: URL` line. */
  readonly urls: { readonly desktop: string; readonly idp: string; readonly server: string; readonly site: string };
  /** Set in the environment of npm start and so of everything it starts. */
  readonly marker: string;
  stderr(): string;
  /** Resolves with the exit status once npm start has ended. */
  readonly exited: Promise<number | null>;
}

const PORT_FLAGS = ['port', 'idp-port', 'desktop-port', 'site-port'] as const;
type PortFlag = (typeof PORT_FLAGS)[number];

const PART_LINES = { desktop: 'Agent desktop: ', idp: 'Identity provider: ', server: 'Co-browse server: ', site: 'Customer site: ' } as const;

/** Starts `npm start` in `cwd` and resolves once it printed its last line ("Server log: …"). */
export function startNpmStart(options: { cwd: string; demoDir: string; env?: NodeJS.ProcessEnv; ports?: Partial<Record<PortFlag, number>>; timeoutMs?: number }): Promise<NpmStart> {
  const marker = `agentdesk-test-${randomUUID()}`;
  const ports = PORT_FLAGS.flatMap((flag) => [`--${flag}`, String(options.ports?.[flag] ?? 0)]);
  const args = ['start', '--', ...ports, '--no-open', '--demo-dir', options.demoDir];
  // Its own process group, as a terminal gives it, so the test can signal the whole group.
  const child = spawn('npm', args, {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), AGENTDESK_TEST_MARKER: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`npm start printed no URLs in time:\n${lines.join('\n')}\n${stderr}`)), options.timeoutMs ?? 90_000);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited with ${code}:\n${lines.join('\n')}\n${stderr}`));
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const got = partial.split('\n');
      partial = got.pop()!;
      lines.push(...got);
      if (!lines.some((l) => l.startsWith('Server log:'))) return;
      clearTimeout(timer);
      const url = (prefix: string): string => lines.find((l) => l.startsWith(prefix))?.slice(prefix.length).trim() ?? '';
      done({
        child,
        lines,
        urls: { desktop: url(PART_LINES.desktop), idp: url(PART_LINES.idp), server: url(PART_LINES.server), site: url(PART_LINES.site) },
        marker,
        stderr: () => stderr,
        exited,
      });
    });
  });
}

/** The pids of running processes whose environment holds `marker` (Linux /proc). */
export function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`AGENTDESK_TEST_MARKER=${marker}`)) found.push(Number(entry));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return found;
}

/** Stops npm start as Ctrl-C does (SIGINT to its process group) and waits for it to end. */
export async function stopNpmStart(run: NpmStart): Promise<void> {
  if (run.child.exitCode !== null || run.child.pid === undefined) return;
  try {
    process.kill(-run.child.pid, 'SIGINT');
  } catch {
    return;
  }
  await run.exited;
}
