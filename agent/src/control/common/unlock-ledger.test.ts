import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createUnlockCode } from '@mamori/proto';
import { UnlockLedger } from './unlock-ledger.ts';

const key = randomBytes(32);
const now = Date.UTC(2026, 0, 5, 8);

describe('unlock ledger', () => {
  it('remembers used nonces across processes (the CLI and the running agent)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'unlock-ledger.json');
    const code = createUnlockCode(key, { pc: 'PC-1', untilMs: now + 7_200_000, nonce: 5 });
    expect(new UnlockLedger(path).redeem(code, { key, pc: 'PC-1', serials: [], nowMs: now }).id).toBe('unlock-5');
    const other = new UnlockLedger(path);
    expect(other.active(now).map((e) => e.id)).toEqual(['unlock-5']);
    expect(other.active(now + 7_200_000)).toEqual([]);
    expect(() => other.redeem(code, { key, pc: 'PC-1', serials: [], nowMs: now + 1 })).toThrow(/already used/);
  });

  it('stops accepting guesses after five wrong codes', () => {
    const ledger = new UnlockLedger();
    for (let i = 0; i < 5; i += 1) {
      expect(() => ledger.redeem('AAAA-AAAA-AAAA-AAAA', { key, pc: 'PC-1', serials: [], nowMs: now })).toThrow(/invalid/);
    }
    const good = createUnlockCode(key, { pc: 'PC-1', untilMs: now + 3_600_000, nonce: 9 });
    expect(() => ledger.redeem(good, { key, pc: 'PC-1', serials: [], nowMs: now })).toThrow(/too many/);
    expect(ledger.redeem(good, { key, pc: 'PC-1', serials: [], nowMs: now + 11 * 60_000 }).id).toBe('unlock-9');
  });

  it('treats a damaged ledger file as empty instead of crashing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'unlock-ledger.json');
    writeFileSync(path, '{not json');
    expect(new UnlockLedger(path).active(now)).toEqual([]);
  });
});
