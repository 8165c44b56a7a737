// An AppImage installs nothing, so the desktop has no .desktop file for it and the scheme handler
// Electron registers (xdg-mime default agentdesk.desktop x-scheme-handler/…) would name a file
// that does not exist. On each start from an AppImage the app writes its own user desktop entry,
// with the AppImage's current path, before it registers as the handler.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** app/package.json desktopName: the .desktop file's name, Electron's app_id and WM_CLASS. */
export const DESKTOP_FILE_NAME = 'agentdesk.desktop';

export interface DesktopEntryParts {
  /** $APPIMAGE: the absolute path of the running AppImage file. */
  readonly appImage: string;
  readonly scheme: string;
}

/**
 * One argument of Exec, quoted per the Desktop Entry Specification: inside double quotes `"`,
 * `` ` ``, `$` and `\` take a backslash; then the string-value escape doubles every backslash;
 * `%` is a field code unless doubled.
 */
export function quoteExecArgument(arg: string): string {
  const quoted = `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

export function appImageDesktopEntry(parts: DesktopEntryParts): string {
  if (!isAbsolute(parts.appImage) || /[\0\r\n]/.test(parts.appImage)) throw new Error('APPIMAGE must be an absolute path on one line');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=AgentDesk',
    'Comment=Co-browse with your customers',
    `Exec=${quoteExecArgument(parts.appImage)} %U`,
    'Terminal=false',
    'Categories=Network;',
    `MimeType=x-scheme-handler/${parts.scheme};`,
    `StartupWMClass=${DESKTOP_FILE_NAME.replace(/\.desktop$/, '')}`,
    // Written by the app itself (src/electron/appimage-desktop-entry.ts); rewritten when the AppImage moves.
    'X-AgentDesk-AppImage=true',
    '',
  ].join('\n');
}

/** `$XDG_DATA_HOME/applications`, else `~/.local/share/applications`. */
export function userApplicationsDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const dataHome = env.XDG_DATA_HOME !== undefined && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(dataHome, 'applications');
}

/**
 * Writes the entry when it is missing or names another path (atomically: temp file + rename).
 * Returns the file written, or null when it was already up to date.
 */
export function ensureAppImageDesktopEntry(dir: string, parts: DesktopEntryParts): string | null {
  const file = join(dir, DESKTOP_FILE_NAME);
  const wanted = appImageDesktopEntry(parts);
  let current: string | null = null;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // Absent: written below.
  }
  if (current === wanted) return null;
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, wanted, { mode: 0o644 });
  renameSync(temp, file);
  return file;
}
