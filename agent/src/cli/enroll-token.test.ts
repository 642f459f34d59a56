import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnrollToken } from './enroll-token.ts';

const noStdin = async () => { throw new Error('stdin must not be read'); };

describe('enroll token sources (kept off the command line by installers)', () => {
  it('reads stdin for "-" or no argument, a file with --token-file, and the argument last', async () => {
    expect(await readEnrollToken({ readStdin: async () => '\n  mamori1_abc  \r\nignored\n' })).toBe('mamori1_abc');
    expect(await readEnrollToken({ argument: '-', readStdin: async () => 'mamori1_def\n' })).toBe('mamori1_def');
    const file = join(mkdtempSync(join(tmpdir(), 'token-')), 'enroll-token');
    writeFileSync(file, 'mamori1_file\n', { mode: 0o600 });
    expect(await readEnrollToken({ file, readStdin: noStdin })).toBe('mamori1_file');
    expect(await readEnrollToken({ argument: 'mamori1_arg', readStdin: noStdin })).toBe('mamori1_arg');
  });

  it('refuses no token, two sources and an unreadable file with a usage error', async () => {
    await expect(readEnrollToken({ readStdin: async () => '\n \n' })).rejects.toMatchObject({ code: 'AGENT_USAGE' });
    await expect(readEnrollToken({ argument: 'x', file: '/nonexistent', readStdin: noStdin })).rejects.toThrow(/not two/);
    await expect(readEnrollToken({ file: '/nonexistent/token', readStdin: noStdin })).rejects.toThrow(/ENOENT/);
  });
});
