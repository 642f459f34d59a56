/**
 * The Windows print host: one long-lived PowerShell process that reports, as UTF-8 JSON lines,
 *   - each new PrintService/Operational record (307 document printed, 805 rendering job) the moment it is
 *     written, through System.Diagnostics.Eventing.Reader.EventLogWatcher (a subscription, not a poll);
 *   - print jobs appearing, changing and leaving the spooler: __InstanceCreation/Modification/DeletionEvent on
 *     Win32_PrintJob (WMI polls that class every second: WITHIN 1), so a job over policy can be paused or
 *     cancelled while it is still spooling — the event log only reports jobs after they printed.
 * And the spooler commands the agent runs to act on a job: Suspend-PrintJob / Remove-PrintJob (PrintManagement
 * module, Windows 8 / Server 2012 and later).
 * Documented interfaces (Microsoft Learn): "EventLogWatcher Class", "Win32_PrintJob class" (Name "printer, id",
 *   JobId, Document, Owner, TotalPages, Size, JobStatus, TimeSubmitted), "Suspend-PrintJob", "Remove-PrintJob".
 * Known gaps: Win32_PrintJob has no copy count (pages are TotalPages of the spooled job); a job that spools and
 *   prints within WMI's one-second poll is only seen in the log, after printing.
 */
import type { PrintJobRecord } from '../common/print-job.ts';
import { readJsonLine } from '../../../platform/json-line.ts';
import { powershellArgs } from '../../../platform/powershell.ts';
import { printServiceChannel } from './print-service-channel.ts';

export const WINDOWS_PRINT_HOST_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  `$query = New-Object System.Diagnostics.Eventing.Reader.EventLogQuery('${printServiceChannel}', [System.Diagnostics.Eventing.Reader.PathType]::LogName, '*[System[(EventID=307 or EventID=805)]]')`,
  '$watcher = New-Object System.Diagnostics.Eventing.Reader.EventLogWatcher($query)',
  "Register-ObjectEvent -InputObject $watcher -EventName EventRecordWritten -SourceIdentifier 'mamori.log' | Out-Null",
  '$watcher.Enabled = $true',
  "foreach ($kind in 'Creation', 'Modification', 'Deletion') {",
  "  Register-CimIndicationEvent -Query \"SELECT * FROM __Instance$($kind)Event WITHIN 1 WHERE TargetInstance ISA 'Win32_PrintJob'\" -SourceIdentifier \"mamori.job.$kind\" | Out-Null",
  '}',
  'function Send($line) { [Console]::Out.WriteLine(($line | ConvertTo-Json -Compress)); [Console]::Out.Flush() }',
  'function Utc($t) { if ($t -is [datetime]) { $t.ToUniversalTime().ToString(\'o\') } else { [string]$t } }',
  "Send @{ kind = 'ready' }",
  'while ($true) {',
  '  $e = Wait-Event -Timeout 60',
  "  if ($null -eq $e) { Send @{ kind = 'heartbeat' }; continue }",
  "  if ($e.SourceIdentifier -eq 'mamori.log') {",
  "    if ($e.SourceEventArgs.EventRecord) { Send @{ kind = 'log'; xml = $e.SourceEventArgs.EventRecord.ToXml() } }",
  '  } else {',
  '    $j = $e.SourceEventArgs.NewEvent.TargetInstance',
  "    Send @{ kind = 'job'; change = $e.SourceIdentifier.Substring(11).ToLower(); name = [string]$j.Name; jobId = [int]$j.JobId; document = [string]$j.Document; owner = [string]$j.Owner; totalPages = [int]$j.TotalPages; size = [long]$j.Size; status = [string]$j.JobStatus; submitted = (Utc $j.TimeSubmitted) }",
  '  }',
  '  Remove-Event -EventIdentifier $e.EventIdentifier',
  '}',
].join('\n');

/** One line from the host. */
export type PrintHostLine =
  | { kind: 'ready' }
  | { kind: 'heartbeat' }
  | { kind: 'log'; xml: string }
  | { kind: 'job'; change: 'creation' | 'modification' | 'deletion'; job: PrintJobRecord };

/** Parses one host line; undefined for anything else. */
export function parsePrintHostLine(line: string): PrintHostLine | undefined {
  const record = readJsonLine(line);
  if (!record) return undefined;
  const { str, count: num } = record;
  switch (record.kind) {
    case 'ready': return { kind: 'ready' };
    case 'heartbeat': return { kind: 'heartbeat' };
    case 'log': return str('xml') ? { kind: 'log', xml: str('xml') } : undefined;
    case 'job': {
      const change = str('change');
      if (change !== 'creation' && change !== 'modification' && change !== 'deletion') return undefined;
      // Win32_PrintJob.Name is "<printer>, <job id>"; a printer name may itself contain ", ".
      const name = /^(.*), (\d+)$/.exec(str('name'));
      const jobId = num('jobId') || Number(name?.[2] ?? 0);
      if (!name || jobId <= 0) return undefined;
      const status = str('status').toLowerCase();
      const submittedMs = Date.parse(str('submitted'));
      const pages = num('totalPages');
      const spooling = status.includes('spooling');
      const job: PrintJobRecord = {
        key: `winjob:${name[1]}:${jobId}:${str('submitted')}`,
        jobId, documentName: str('document'), printer: name[1]!, user: str('owner'),
        pages, copies: 1, sheets: 0, sizeBytes: num('size'),
        submittedMs: Number.isFinite(submittedMs) ? submittedMs : 0, completedMs: 0,
        state: status.includes('paused') ? 'held' : status.includes('printing') ? 'processing' : 'pending',
        pagesKnown: !spooling && pages > 0,
      };
      return { kind: 'job', change, job };
    }
    default: return undefined;
  }
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** powershell.exe + arguments that pause (hold) or cancel one job in the spooler. */
export function printJobCommand(action: 'hold' | 'cancel', printer: string, jobId: number): [string, string[]] {
  if (!Number.isInteger(jobId) || jobId <= 0) throw new Error(`not a print job id: ${jobId}`);
  const cmdlet = action === 'hold' ? 'Suspend-PrintJob' : 'Remove-PrintJob';
  return ['powershell.exe', powershellArgs(`$ErrorActionPreference = 'Stop'\n${cmdlet} -PrinterName ${quote(printer)} -ID ${jobId}`)];
}

/** The host as powershell.exe arguments. */
export function printHostArgs(): string[] {
  return powershellArgs(WINDOWS_PRINT_HOST_SCRIPT);
}
