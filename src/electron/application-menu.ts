// The application menu: what an agent needs (quit, close, the edit commands whose shortcuts copy
// and paste in the UI, and macOS's app and window menus), and developer tools and reloads only in
// development. Electron's default menu offers Toggle Developer Tools and Force Reload everywhere.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuContext {
  readonly platform: NodeJS.Platform;
  /** app.isPackaged: false when run as `electron path/to/app`. */
  readonly packaged: boolean;
}

export function applicationMenuTemplate(context: MenuContext): MenuItemConstructorOptions[] {
  const mac = context.platform === 'darwin';
  const menu: MenuItemConstructorOptions[] = [];
  if (mac) menu.push({ role: 'appMenu', submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] });
  else menu.push({ role: 'fileMenu', submenu: [{ role: 'quit' }] });
  menu.push({
    role: 'editMenu',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  });
  if (!context.packaged) menu.push({ label: 'Development', submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] });
  menu.push({ role: 'windowMenu', submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { role: 'close' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }] });
  return menu;
}
