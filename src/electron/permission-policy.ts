// Web permissions of the main window. Everything is refused except writing text to the clipboard
// from the renderer bundle itself: the sign-in screen's "Copy sign-in link" needs it, and a
// sanitized write cannot read anything back.
import { isAppUrl } from './app-protocol.js';

const GRANTED = new Set(['clipboard-sanitized-write']);

export function isPermissionGranted(permission: string, requestingUrl: string): boolean {
  return GRANTED.has(permission) && isAppUrl(requestingUrl);
}
