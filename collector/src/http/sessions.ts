import { randomBytes } from 'node:crypto';
import { monotonicMs } from '../monotonic.ts';
import type { Role } from '../store/types.ts';

export interface WebSession {
  id: string;
  username: string;
  role: Role;
  csrfToken: string;
  /** On the monotonic clock: setting the server's clock neither ends nor prolongs sessions. */
  expiresMs: number;
}

const roleRank: Record<Role, number> = { auditor: 0, operator: 1, admin: 2 };

/** auditor < operator < admin, except that the audit log is for auditors and admins (checked by its route). */
export function roleAllows(have: Role, need: Role): boolean {
  return roleRank[have] >= roleRank[need];
}

/** Signed-in console sessions (in memory: a collector restart signs everyone out, which is acceptable). */
export class SessionStore {
  readonly #sessions = new Map<string, WebSession>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs = 12 * 3_600_000, now: () => number = monotonicMs) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  create(username: string, role: Role): WebSession {
    const session = {
      id: randomBytes(32).toString('base64url'), username, role, csrfToken: randomBytes(24).toString('base64url'),
      expiresMs: this.#now() + this.#ttlMs,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): WebSession | undefined {
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expiresMs <= this.#now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }
}
