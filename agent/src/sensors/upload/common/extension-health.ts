import type { ExtensionHealthEvent } from '@mamori/proto';
import { monotonicMs } from '../../../core/monotonic.ts';

export interface KnownProfile {
  browser: string;
  profileId: string;
  extensionVersion: string;
  lastSeenMs: number;
  alive: boolean;
  installed: boolean;
}

/**
 * Whether the extension is installed and alive in each browser profile, from its heartbeats. Emits an
 * extensionHealth payload only on change (first seen, version change, went silent, came back, removed), so a PC
 * where the extension was removed or disabled shows up as a profile that stopped being alive. Known profiles
 * are persisted by the caller (snapshot/restore) so a restart of the agent does not forget them.
 */
export class ExtensionHealthTracker {
  readonly #profiles = new Map<string, KnownProfile>();
  readonly #emit: (health: ExtensionHealthEvent) => void;
  readonly #staleMs: number;
  /** When each profile was last seen on the monotonic clock: silence is a duration, a clock set back must not hide it. */
  readonly #seenAt = new Map<string, number>();
  readonly #elapsed: () => number;

  constructor(emit: (health: ExtensionHealthEvent) => void, staleMs: number, elapsed: () => number = monotonicMs) {
    this.#emit = emit;
    this.#staleMs = staleMs;
    this.#elapsed = elapsed;
  }

  /** Profiles remembered from before a restart; they count as alive until they miss the stale window. */
  restore(profiles: KnownProfile[], now: number): void {
    for (const profile of profiles) {
      // Give each restored profile a full window from now: the agent was down, not the extension.
      this.#profiles.set(key(profile.browser, profile.profileId), { ...profile, lastSeenMs: Math.max(profile.lastSeenMs, now) });
      this.#seenAt.set(key(profile.browser, profile.profileId), this.#elapsed());
    }
  }

  snapshot(): KnownProfile[] {
    return [...this.#profiles.values()];
  }

  /** A heartbeat (or any authenticated call) from a profile. */
  seen(browser: string, profileId: string, extensionVersion: string, now: number): void {
    const id = key(browser, profileId);
    const known = this.#profiles.get(id);
    const changed = !known || !known.alive || !known.installed || known.extensionVersion !== extensionVersion;
    const profile = { browser, profileId, extensionVersion, lastSeenMs: now, alive: true, installed: true };
    this.#profiles.set(id, profile);
    this.#seenAt.set(id, this.#elapsed());
    if (changed) this.#report(profile);
  }

  /** The extension told us (through its uninstall URL) that it was removed from this profile. */
  removed(browser: string, profileId: string, now: number): void {
    const id = key(browser, profileId);
    const known = this.#profiles.get(id);
    if (!known || !known.installed) return;
    const profile = { ...known, installed: false, alive: false, lastSeenMs: Math.max(known.lastSeenMs, now) };
    this.#profiles.set(id, profile);
    this.#report(profile);
  }

  /** Marks profiles silent for longer than the stale window (on the monotonic clock) as not alive; call periodically. */
  check(): void {
    const now = this.#elapsed();
    for (const [id, profile] of this.#profiles) {
      if (profile.alive && now - (this.#seenAt.get(id) ?? now) > this.#staleMs) {
        const dead = { ...profile, alive: false };
        this.#profiles.set(id, dead);
        this.#report(dead);
      }
    }
  }

  #report(profile: KnownProfile): void {
    this.#emit({
      browser: profile.browser, profile: profile.profileId, installed: profile.installed, alive: profile.alive,
      extensionVersion: profile.extensionVersion, lastSeenMs: profile.lastSeenMs,
    });
  }
}

function key(browser: string, profileId: string): string {
  return `${browser}/${profileId}`;
}
