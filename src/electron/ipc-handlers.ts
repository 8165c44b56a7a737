// One ipcMain handler per operation of the renderer contract (common/api.ts). Each checks who is
// calling, parses the arguments with the contract's schemas, and only then hands the call to the
// core. Errors are answered as ApiResult values, so the renderer always gets a code.
import { API_OPERATIONS, apiChannel, parseApiArguments, POP_OUT_OPERATIONS, type ApiOperation, type ApiResult } from '../../common/api.js';
import { AgentDeskError } from '../../common/errors.js';
import type { AppLogger, DesktopApp } from '../app/desktop-app-types.js';
import { checkSender, type SenderEvent, type TrustedWindow } from './sender-check.js';

/** The part of Electron's `ipcMain` the handlers use (ipcMain fits it). */
export interface ApiIpcMain {
  handle(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => Promise<ApiResult<unknown>>): void;
  removeHandler(channel: string): void;
}

export interface ApiHandlerOptions {
  readonly ipcMain: ApiIpcMain;
  readonly app: Pick<DesktopApp, 'dispatch'>;
  /** The main window as it is now; null while there is none. */
  readonly trustedWindow: () => TrustedWindow | null;
  /** The pop-out window (the mirror in its own window) while it is open: it may make the calls
   * of POP_OUT_OPERATIONS only. */
  readonly popOutWindow?: () => TrustedWindow | null;
  readonly logger: Pick<AppLogger, 'warn'>;
}

/** Registers every operation's handler; returns the function that removes them all. */
export function registerApiHandlers(options: ApiHandlerOptions): () => void {
  const { ipcMain, app, trustedWindow, logger } = options;
  const popOutWindow = options.popOutWindow ?? (() => null);
  for (const operation of API_OPERATIONS) {
    ipcMain.handle(apiChannel(operation), (event, ...args) => answer(operation, event, args));
  }

  async function answer(operation: ApiOperation, event: SenderEvent, args: unknown[]): Promise<ApiResult<unknown>> {
    const verdict = checkSender(event, trustedWindow());
    const fromPopOut = !verdict.trusted && checkSender(event, popOutWindow()).trusted;
    if (!verdict.trusted && !fromPopOut) {
      // The sender's URL is not logged: a hostile page could put anything in it.
      logger.warn({ operation, reason: verdict.reason }, 'renderer call from an untrusted sender refused');
      return { ok: false, error: new AgentDeskError('IPC_SENDER_REJECTED').toBody() };
    }
    if (fromPopOut && !POP_OUT_OPERATIONS.has(operation)) {
      logger.warn({ operation, reason: 'not for the pop-out window' }, 'renderer call from an untrusted sender refused');
      return { ok: false, error: new AgentDeskError('IPC_SENDER_REJECTED').toBody() };
    }
    const parsed = parseApiArguments(operation, args);
    if (!parsed.ok) {
      logger.warn({ operation, code: parsed.error.code }, 'renderer call with invalid arguments refused');
      return { ok: false, error: parsed.error };
    }
    return app.dispatch(operation, parsed.args);
  }

  return () => {
    for (const operation of API_OPERATIONS) ipcMain.removeHandler(apiChannel(operation));
  };
}
