import { describe, expect, it } from 'vitest';
import { alertPage, evidenceKey } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

describe('expectContract', () => {
  const key = { algorithm: 'Ed25519', publicKey: 'AAAA', fingerprint: 'aa:bb' };

  it('returns a body that matches the schema', () => {
    expect(expectContract(evidenceKey, key)).toEqual(key);
    expect(expectContract(alertPage, { alerts: [], total: 0, page: 1, limit: 50 }).limit).toBe(50);
  });

  it('fails on a field the schema lacks, a missing field and a wrong type, naming the field', () => {
    expect(() => expectContract(evidenceKey, { ...key, keyId: 'k1' })).toThrow(/keyId/);
    const { fingerprint: _dropped, ...missing } = key;
    expect(() => expectContract(evidenceKey, missing)).toThrow(/fingerprint/);
    expect(() => expectContract(alertPage, { alerts: [], total: '0', page: 1, limit: 50 })).toThrow(/total/);
  });
});
