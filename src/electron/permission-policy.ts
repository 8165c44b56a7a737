// Web permissions of the AgentDesk windows. Everything is refused except, for the renderer bundle
// itself: writing text to the clipboard (the sign-in screen's "Copy sign-in link", the session's
// copy code / ID; a sanitized write cannot read anything back), full screen (the session bar's
// Full screen button, in the main window and in the pop-out; Esc always leaves it), and
// notifications (approve, decline and leave alerts while the window is in the background: the
// web Notification API, which Electron shows as the OS's own). The mirror's replayed page runs no
// script (its iframe is sandboxed without allow-scripts), so it can ask for none of these.
import { isAppUrl } from './app-protocol.js';

const GRANTED = new Set(['clipboard-sanitized-write', 'fullscreen', 'notifications']);

export function isPermissionGranted(permission: string, requestingUrl: string): boolean {
  return GRANTED.has(permission) && isAppUrl(requestingUrl);
}
