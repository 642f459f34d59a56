/**
 * The interactive user, refreshed in the background (the agent runs as a service, so its own account says
 * nothing). `lookup` is the OS-specific part; the agent passes systeminformation's users().
 */
export class CurrentUser {
  #name = '';
  readonly #lookup: () => Promise<string>;

  constructor(lookup: () => Promise<string>) {
    this.#lookup = lookup;
  }

  get = (): string => this.#name;

  async refresh(): Promise<void> {
    try {
      this.#name = (await this.#lookup()).slice(0, 256);
    } catch {
      // keep the last known user
    }
  }

  /** Refreshes now and every `intervalMs` until `signal` aborts. */
  async watch(signal: AbortSignal, intervalMs = 60_000): Promise<void> {
    await this.refresh();
    const timer = setInterval(() => void this.refresh(), intervalMs);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }
}
