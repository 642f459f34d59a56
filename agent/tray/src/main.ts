/**
 * The tray's Electron main process, one per user session. Thin on purpose (Electron cannot run on the build
 * machines): a tray icon, a window showing the page the agent serves on its loopback endpoint, and desktop
 * notifications decided by NotificationFeed. The window is sandboxed, has no Node integration, and may only
 * show the agent's own origin.
 */
import { join } from 'node:path';
import { app, BrowserWindow, Menu, Notification, Tray, nativeImage } from 'electron';
import { NotificationFeed, trayTooltip, type TrayStateView } from './notification-feed.ts';

const endpoint = new URL(process.env.MAMORI_TRAY_URL ?? 'http://127.0.0.1:7444/tray');
const stateUrl = new URL('/tray/v1/state', endpoint);

let tray: Tray | undefined;
let window: BrowserWindow | undefined;

function showWindow(): void {
  if (!window || window.isDestroyed()) {
    window = new BrowserWindow({
      width: 440, height: 640, show: false, title: 'Mamori', autoHideMenuBar: true,
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
    window.webContents.on('will-navigate', (event, url) => {
      if (new URL(url).origin !== endpoint.origin) event.preventDefault();
    });
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    void window.loadURL(endpoint.href);
    window.on('close', (event) => {
      // Closing hides: the tray stays for the whole session.
      event.preventDefault();
      window?.hide();
    });
  }
  window.show();
  window.focus();
}

async function follow(feed: NotificationFeed): Promise<void> {
  let revision = -1;
  for (;;) {
    try {
      const url = new URL(stateUrl);
      if (revision >= 0) url.searchParams.set('after', String(revision));
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const state = (await response.json()) as TrayStateView;
      revision = state.revision;
      tray?.setToolTip(trayTooltip(state));
      for (const toast of feed.update(state)) {
        const notification = new Notification({ title: toast.title, body: toast.body });
        notification.on('click', showWindow);
        notification.show();
      }
    } catch {
      tray?.setToolTip(trayTooltip(undefined));
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showWindow);
  // A tray app: no window is not a reason to quit.
  app.on('window-all-closed', () => undefined);
  void app.whenReady().then(() => {
    tray = new Tray(nativeImage.createFromPath(join(app.getAppPath(), 'assets', 'tray.png')));
    tray.setToolTip(trayTooltip(undefined));
    tray.setContextMenu(Menu.buildFromTemplate([{ label: 'Open Mamori', click: showWindow }]));
    tray.on('click', showWindow);
    void follow(new NotificationFeed());
  });
}
