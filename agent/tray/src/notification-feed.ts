/**
 * What the tray process shows as desktop notifications, decided from the agent's tray state (GET /tray/v1/state).
 * Pure and Electron-free so it is tested here; the Electron main process only renders what this returns.
 */

/** The parts of the agent's TrayState the shell uses (agent/src/local/tray/tray-service.ts). */
export interface TrayStateView {
  revision: number;
  pc: string;
  deviceMode: string;
  notifications: { id: string; kind: string; subject: string; message: string }[];
  requests: { id: string; status: 'pending' | 'approved' | 'declined'; subject: string; note: string }[];
}

export interface Toast {
  title: string;
  body: string;
}

const kindTitles: Record<string, string> = {
  device: 'Device blocked', mail: 'Mail blocked', upload: 'Upload blocked', print: 'Print job cancelled',
};

export class NotificationFeed {
  readonly #seen = new Set<string>();
  readonly #requestStatus = new Map<string, string>();
  #primed = false;

  /**
   * Returns the toasts for what is new since the last state. The first state only primes: blocks from before
   * the user logged in are listed in the window, not replayed as a burst of notifications.
   */
  update(state: TrayStateView): Toast[] {
    const toasts: Toast[] = [];
    for (const n of state.notifications) {
      if (!this.#seen.has(n.id) && this.#primed) {
        toasts.push({ title: kindTitles[n.kind] ?? 'Blocked', body: [n.subject, n.message].filter(Boolean).join(' — ') });
      }
      this.#seen.add(n.id);
    }
    for (const r of state.requests) {
      const before = this.#requestStatus.get(r.id);
      if (this.#primed && before === 'pending' && r.status !== 'pending') {
        toasts.push({ title: r.status === 'approved' ? 'Access approved' : 'Access declined', body: [r.subject, r.note].filter(Boolean).join(' — ') });
      }
      this.#requestStatus.set(r.id, r.status);
    }
    this.#primed = true;
    return toasts;
  }
}

/** The tray icon's tooltip: always says the PC is monitored. */
export function trayTooltip(state: TrayStateView | undefined): string {
  if (!state) return 'Mamori — this PC is monitored (agent not reachable)';
  const pending = state.requests.filter((r) => r.status === 'pending').length;
  return `Mamori — ${state.pc} is monitored${pending ? ` · ${pending} request(s) waiting` : ''}`;
}
