import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkUninstallCode } from './uninstall-code.ts';
import { readUninstallOutcome, writeUninstallOutcome } from './uninstall-outcome.ts';

describe('checkUninstallCode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-code-'));
  const file = join(dir, 'uninstall-code.sha256');

  it('refuses when no code is configured on the PC', () => {
    expect(() => checkUninstallCode(join(dir, 'missing.sha256'), 'anything')).toThrow(/uninstall code: none is configured/);
  });

  it('accepts only the code whose SHA-256 is on file (the format `printf %s CODE | sha256sum` writes)', () => {
    writeFileSync(file, `${createHash('sha256').update('s3cret').digest('hex')}  -\n`);
    expect(() => checkUninstallCode(file, 's3cret')).not.toThrow();
    expect(() => checkUninstallCode(file, 's3cret ')).toThrow(/does not match/);
    expect(() => checkUninstallCode(file, undefined)).toThrow(/MAMORI_UNINSTALL_CODE/);
  });

  it('treats an unreadable digest as a mismatch, never as a match', () => {
    writeFileSync(file, 'not-hex\n');
    expect(() => checkUninstallCode(file, '')).toThrow();
    expect(() => checkUninstallCode(file, 'x')).toThrow(/does not match/);
  });
});

describe('uninstall outcome file', () => {
  it('puts the one word the shell scripts test on its first line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-outcome-'));
    expect(readUninstallOutcome(dir)).toBeUndefined();
    writeUninstallOutcome(dir, 'kept', { eventsLeft: 3 });
    expect(readUninstallOutcome(dir)).toBe('kept');
  });
});
