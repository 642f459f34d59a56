import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodePowerShellOutput, powershellArgs } from './powershell.ts';

/** Runs powershell.exe and returns its raw stdout bytes. */
const stdoutOf = (args: string[]) => new Promise<Buffer>((resolve, reject) => {
  execFile('powershell.exe', args, { encoding: 'buffer', windowsHide: true }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
});

const label = '会計資料_2024';
const writeLabel = `[Console]::Out.Write('${label}')`;

/**
 * Live (Windows only; .github/workflows/windows.yml): Windows PowerShell 5.1 writes to a pipe in the console's
 * OEM code page unless told otherwise; these prove on a real Windows that the switch powershellArgs puts first is
 * what keeps a Japanese label intact. Skipped elsewhere (no powershell.exe).
 */
describe.skipIf(process.platform !== 'win32')('Windows PowerShell output encoding (live; Windows only)', () => {
  it('with the UTF-8 switch a Japanese label arrives intact', async () => {
    expect(decodePowerShellOutput(await stdoutOf(powershellArgs(writeLabel)))).toBe(label);
  });

  it('without it the same label does not (OEM code page: "?" on en-US runners, CP932 bytes on ja-JP)', async () => {
    const plain = ['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(writeLabel, 'utf16le').toString('base64')];
    const bytes = await stdoutOf(plain);
    expect(bytes.toString('utf8')).not.toBe(label);
  });
});
