import { describe, expect, it } from 'vitest';
import { isTransientStoreError } from './transient-error.ts';

describe('isTransientStoreError', () => {
  it('retries lock contention and lost connections, never a constraint or syntax error', () => {
    const transient = ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED_SHAREDCACHE', '08006', '08001', '40001', '40P01', '53300', '55P03', '57P01', 'ECONNREFUSED', 'ECONNRESET'];
    const permanent = ['SQLITE_CONSTRAINT_UNIQUE', '23505', '42601', '22P02', '57014', 'ENOENT'];
    expect(transient.filter((code) => !isTransientStoreError({ code }))).toEqual([]);
    expect(permanent.filter((code) => isTransientStoreError({ code }))).toEqual([]);
    expect(isTransientStoreError(new Error('no code'))).toBe(false);
    expect(isTransientStoreError(null)).toBe(false);
  });
});
