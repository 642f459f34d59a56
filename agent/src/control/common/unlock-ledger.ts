import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeviceException } from '@mamori/policies';
import { UnlockCodeError, verifyUnlockCode } from '@mamori/proto';
import { AgentError } from '../../errors.ts';

interface LedgerState {
  /** Nonces already redeemed, kept until the code they came from would have expired anyway. */
  used: { nonce: number; untilMs: number }[];
  /** Exceptions granted by codes on this PC (the collector does not know them until the PC reconnects). */
  exceptions: DeviceException[];
  /** Times of recent failed attempts: a 35-bit code must not be guessable by trying at the PC. */
  failures: number[];
}

export interface RedeemContext {
  /** The agent's unlock_key from enrollment. */
  key: Uint8Array;
  pc: string;
  /** Serials seen recently on this PC, for serial-bound codes. */
  serials: readonly string[];
  nowMs: number;
}

const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 10 * 60_000;

/**
 * Redeems offline unlock codes once each and keeps the exceptions they grant. Backed by a small JSON file (written
 * atomically) because `mamori-agent unlock` and the running agent are different processes; without a path it
 * lives in memory (tests).
 */
export class UnlockLedger {
  readonly #path: string | undefined;
  #state: LedgerState;

  constructor(path?: string) {
    this.#path = path;
    this.#state = path ? readState(path) : emptyState();
  }

  /** Re-reads the file (the running agent calls this when told a code was redeemed by the CLI). */
  reload(): void {
    if (this.#path) this.#state = readState(this.#path);
  }

  /** Exceptions from codes that are still running. */
  active(nowMs: number): DeviceException[] {
    return this.#state.exceptions.filter((e) => e.untilMs > nowMs);
  }

  /**
   * Verifies `code`, refuses reuse, records the nonce and returns the exception it grants. Throws AgentError
   * AGENT_UNLOCK_CODE_INVALID / _EXPIRED / _USED.
   */
  redeem(code: string, context: RedeemContext): DeviceException {
    this.reload();
    const { nowMs } = context;
    this.#prune(nowMs);
    if (this.#state.failures.length >= MAX_FAILURES) {
      throw new AgentError('AGENT_UNLOCK_CODE_INVALID', 'too many wrong codes; wait 10 minutes and try again');
    }
    let claims;
    try {
      claims = verifyUnlockCode(context.key, code, nowMs, { pc: context.pc, serials: context.serials });
    } catch (error) {
      if (!(error instanceof UnlockCodeError)) throw error;
      if (error.reason === 'expired') throw new AgentError('AGENT_UNLOCK_CODE_EXPIRED', error.message);
      this.#state.failures.push(nowMs);
      this.#save();
      throw new AgentError('AGENT_UNLOCK_CODE_INVALID', error.message);
    }
    if (this.#state.used.some((u) => u.nonce === claims.nonce)) {
      throw new AgentError('AGENT_UNLOCK_CODE_USED', `code ${claims.nonce} was redeemed before`);
    }
    const exception: DeviceException = {
      id: `unlock-${claims.nonce}`, mode: 'allow', untilMs: claims.untilMs,
      ...(claims.serial !== undefined ? { serial: claims.serial } : {}),
      reason: 'offline unlock code', createdBy: 'unlock-code',
    };
    this.#state.used.push({ nonce: claims.nonce, untilMs: claims.untilMs });
    this.#state.exceptions.push(exception);
    this.#save();
    return exception;
  }

  #prune(nowMs: number): void {
    this.#state.used = this.#state.used.filter((u) => u.untilMs > nowMs);
    this.#state.exceptions = this.#state.exceptions.filter((e) => e.untilMs > nowMs);
    this.#state.failures = this.#state.failures.filter((t) => t > nowMs - FAILURE_WINDOW_MS);
  }

  #save(): void {
    if (!this.#path) return;
    mkdirSync(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.#state), { mode: 0o600 });
    renameSync(temporary, this.#path);
  }
}

function emptyState(): LedgerState {
  return { used: [], exceptions: [], failures: [] };
}

function readState(path: string): LedgerState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return emptyState();
  }
  // A damaged ledger must not unlock anything nor crash the agent; nonces it held are lost, and that is logged
  // by the caller as a fresh ledger. Codes still expire on their own.
  try {
    const value = JSON.parse(text) as Partial<LedgerState>;
    return {
      used: Array.isArray(value.used) ? value.used.filter((u) => Number.isInteger(u?.nonce) && Number.isFinite(u?.untilMs)) : [],
      exceptions: Array.isArray(value.exceptions) ? value.exceptions.filter((e) => typeof e?.id === 'string' && Number.isFinite(e?.untilMs)) : [],
      failures: Array.isArray(value.failures) ? value.failures.filter((t) => Number.isFinite(t)) : [],
    };
  } catch {
    return emptyState();
  }
}
