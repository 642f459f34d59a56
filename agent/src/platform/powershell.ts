/**
 * Running PowerShell scripts whose output the agent parses (Windows adapters: USB, print).
 * Windows PowerShell 5.1 writes to a pipe in the console's OEM code page (CP932 on a ja-JP PC, CP437/850 in the
 * West), so a Japanese volume label or device name arrives as bytes Node would decode as garbage. Every script
 * therefore starts with UTF8_OUTPUT, and the agent decodes strictly: bytes that are not UTF-8 are an error
 * naming the cause, never silently mangled text.
 * Scripts go in with -EncodedCommand (base64 of UTF-16LE, as `powershell.exe -?` documents), which sidesteps
 * Windows' command-line quoting of the script's own quotes and backslashes.
 */

/** First line of every script: UTF-8 on stdout, without a byte-order mark. */
export const UTF8_OUTPUT = '[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false';

/** powershell.exe arguments that run `script` (UTF8_OUTPUT is put first). */
export function powershellArgs(script: string): string[] {
  const full = `${UTF8_OUTPUT}\n${script}`;
  return ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(full, 'utf16le').toString('base64')];
}

/** The script behind -EncodedCommand (tests and diagnostics). */
export function scriptOf(args: readonly string[]): string {
  const index = args.indexOf('-EncodedCommand');
  return index < 0 ? '' : Buffer.from(args[index + 1] ?? '', 'base64').toString('utf16le');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const NOT_UTF8 = 'helper output is not UTF-8 (a console code page in effect?): refusing to guess the text';

/** Decodes PowerShell output bytes; throws when they are not UTF-8 (the script's UTF8_OUTPUT did not take). */
export function decodePowerShellOutput(bytes: Uint8Array): string {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new Error(NOT_UTF8);
  }
  return text.replace(/^\uFEFF/, '');
}

/**
 * The same check for output already decoded as UTF-8 by execFile: invalid bytes became U+FFFD there. A real
 * U+FFFD in a device name is possible but rare; a stray code page is not.
 */
export function assertDecodedCleanly(text: string): string {
  if (text.includes('\uFFFD')) throw new Error(NOT_UTF8);
  return text.replace(/^\uFEFF/, '');
}
