// Which IPC calls the main process answers: only those from the top frame of our own window while
// it shows the renderer bundle. A sub-frame, another window or a page that somehow navigated
// elsewhere gets nothing, whatever it sends.
import type { WebContents, WebFrameMain } from 'electron';
import { isAppUrl } from './app-protocol.js';

/** The parts of an invoke event the check reads (Electron's IpcMainInvokeEvent has them). */
export interface SenderEvent {
  readonly sender: Pick<WebContents, 'id'>;
  readonly senderFrame: Pick<WebFrameMain, 'url' | 'parent' | 'frameToken' | 'processId'> | null;
}

/** The window whose renderer may call: its webContents id and its current main frame. */
export interface TrustedWindow {
  readonly webContentsId: number;
  readonly mainFrame: Pick<WebFrameMain, 'frameToken' | 'processId'>;
}

export type SenderVerdict =
  | { readonly trusted: true }
  | { readonly trusted: false; readonly reason: 'no window' | 'frame gone' | 'other window' | 'sub-frame' | 'not the main frame' | 'other origin' };

export function checkSender(event: SenderEvent, window: TrustedWindow | null): SenderVerdict {
  if (window === null) return { trusted: false, reason: 'no window' };
  // Null once the frame navigated or was destroyed between the call and its handling.
  const frame = event.senderFrame;
  if (frame === null) return { trusted: false, reason: 'frame gone' };
  if (event.sender.id !== window.webContentsId) return { trusted: false, reason: 'other window' };
  if (frame.parent !== null) return { trusted: false, reason: 'sub-frame' };
  if (frame.frameToken !== window.mainFrame.frameToken || frame.processId !== window.mainFrame.processId) {
    return { trusted: false, reason: 'not the main frame' };
  }
  if (!isAppUrl(frame.url)) return { trusted: false, reason: 'other origin' };
  return { trusted: true };
}
