// A start-up that fails must not leave a windowless process behind: it would hold the
// single-instance lock, and every later launch (each sign-in link the OS hands over) would pass
// its URL to it and quit. So the error is shown in a box, the lock released, and the app exits.
import type { App, Dialog } from 'electron';
import { AgentDeskError } from '../../common/errors.js';

export interface StartupFailureParts {
  readonly app: Pick<App, 'whenReady' | 'exit' | 'releaseSingleInstanceLock'>;
  readonly dialog: Pick<Dialog, 'showErrorBox'>;
  readonly stderr: { write(text: string): unknown };
}

/** EX_CONFIG, as the server's CLI uses for configuration errors (AGENTDESK_* variables). */
export const EXIT_CONFIG = 78;
/** Anything else that stopped the start. */
export const EXIT_STARTUP_FAILED = 1;

/** Longest error text shown; a library's message may be long, the box is not a log. */
const MESSAGE_MAX_CHARS = 500;

export function startupFailureMessage(error: unknown): string {
  if (error instanceof AgentDeskError) return error.message;
  const detail = error instanceof Error ? error.message : String(error);
  return `AgentDesk could not start: ${detail}`.slice(0, MESSAGE_MAX_CHARS);
}

/** Shows the error (after 'ready': on Linux a box before it only reaches stderr), releases the lock and exits. */
export function failStartup(parts: StartupFailureParts, error: unknown, exitCode: number): void {
  const message = startupFailureMessage(error);
  parts.stderr.write(`${message}\n`);
  parts.app.releaseSingleInstanceLock();
  void parts.app.whenReady().then(() => {
    parts.dialog.showErrorBox('AgentDesk', message);
    parts.app.exit(exitCode);
  });
}
