/**
 * Catch-up reads of Microsoft-Windows-PrintService/Operational (at start, and while the print host is down).
 * OS interface: Get-WinEvent -FilterXPath in Windows PowerShell, each record written as EventRecord.ToXml() (the
 *   same XML the print host sends live), inside <Events>…</Events> like `wevtutil qe /f:xml /e:Events`.
 * Why not `wevtutil qe`: the encoding it writes to a pipe is not documented and the agent cannot set it (a
 *   console code page would turn a Japanese document name into garbage once Node reads it as UTF-8); PowerShell's
 *   [Console]::OutputEncoding can be set (powershell.ts) and the output is decoded strictly, so a Japanese document
 *   or printer name arrives intact or the read fails (degraded), never garbled in the record.
 * Privileges: reading the channel needs Administrator or Event Log Readers (the agent runs as LocalSystem).
 * Known gap: never run on Windows here; the command is tested as data and the decoding on fixture bytes.
 */
import { execFile } from 'node:child_process';
import { decodePowerShellOutput, powershellArgs } from '../../../platform/powershell.ts';
import { printServiceChannel } from './print-service-channel.ts';

/** Returns the channel's records matching an XPath query, as XML; rejects when the channel cannot be read. */
export type PrintLogReader = (xpath: string) => Promise<string>;

/** The records the sensor wants: printed documents (307) and rendered jobs (805) newer than `afterRecordId`. */
export function printLogQuery(afterRecordId: number): string {
  return `*[System[(EventID=307 or EventID=805) and EventRecordID>${Math.max(0, Math.trunc(afterRecordId))}]]`;
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The PowerShell script behind one read. "No events found" is an empty answer, any other error fails the read. */
export function printLogScript(xpath: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `try { $records = @(Get-WinEvent -LogName ${quote(printServiceChannel)} -FilterXPath ${quote(xpath)} -Oldest) }`,
    "catch { if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { $records = @() } else { throw } }",
    "[Console]::Out.Write('<Events>')",
    'foreach ($record in $records) { [Console]::Out.Write($record.ToXml()) }',
    "[Console]::Out.Write('</Events>')",
  ].join('\n');
}

/** powershell.exe and its arguments for one read (UTF-8 output switched on first). */
export function printLogCommand(xpath: string): [string, string[]] {
  return ['powershell.exe', powershellArgs(printLogScript(xpath))];
}

/** Runs a program and returns its raw stdout bytes (a seam for tests). */
export type RawRunner = (program: string, args: readonly string[]) => Promise<{ code: number; stdout: Uint8Array; stderr: string }>;

const runRaw: RawRunner = (program, args) => new Promise((resolve) => {
  execFile(program, [...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 60_000, windowsHide: true }, (error, stdout, stderr) => {
    const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
    resolve({ code, stdout, stderr: stderr.toString('utf8') || (error?.message ?? '') });
  });
});

/** The reader the sensor uses on Windows: PowerShell, strict UTF-8. */
export function createPrintLogReader(run: RawRunner = runRaw): PrintLogReader {
  return async (xpath) => {
    const [program, args] = printLogCommand(xpath);
    const result = await run(program, args);
    if (result.code !== 0) throw new Error(result.stderr.trim() || `powershell exited ${result.code}`);
    return decodePowerShellOutput(result.stdout);
  };
}
