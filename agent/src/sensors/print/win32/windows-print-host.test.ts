import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../control/common/command-runner.ts';
import type { EventDraft } from '../../../core/event-draft.ts';
import type { HostProcess } from '../../../platform/line-host.ts';
import { scriptOf, UTF8_OUTPUT } from '../../../platform/powershell.ts';
import { PrintStateStore } from '../common/print-state.ts';
import { PrintServiceEventLogSensor } from './print-service-event-log-sensor.ts';
import { parsePrintHostLine, printHostArgs, printJobCommand } from './windows-print-host.ts';

const hostLines = readFileSync(new URL('./fixtures/print-host.jsonl', import.meta.url));

/** A real child process writing the fixture's lines one by one (40 ms apart), then staying up. */
function replayHost(bytes: Buffer): HostProcess {
  const code = `const lines=Buffer.from(${JSON.stringify(bytes.toString('base64'))},'base64').toString('utf8').split(/(?<=\\n)/);`
    + 'let n=0;const t=setInterval(()=>{if(n<lines.length)process.stdout.write(lines[n++]);else clearInterval(t);},40);setInterval(()=>{},1000);';
  return spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Windows print host and spooler commands (hand-written fixture in the host\'s line format)', () => {
  it('turns Win32_PrintJob lines into jobs: no page count while spooling, the printer name split from "printer, id"', () => {
    const lines = hostLines.toString('utf8').split('\r\n').filter(Boolean).map(parsePrintHostLine);
    expect(lines.map((l) => l?.kind)).toEqual(['ready', 'job', 'job', 'heartbeat', 'log', 'job']);
    expect(lines[1]).toMatchObject({ change: 'creation', job: { jobId: 14, printer: 'Canon iR-ADV C5535 (経理部)', user: 'suzuki', documentName: 'Microsoft Word - 住民名簿.docx', pagesKnown: false, state: 'pending' } });
    expect(lines[2]).toMatchObject({ change: 'modification', job: { pages: 60, pagesKnown: true, sizeBytes: 1843200, submittedMs: Date.parse('2026-03-02T02:00:01Z') } });
    expect(lines[4]).toMatchObject({ kind: 'log', xml: expect.stringMatching(/^<Event xmlns='http:\/\/schemas.microsoft.com\/win\/2004\/08\/events\/event'>/) });
    expect(parsePrintHostLine('{"kind":"job","change":"creation","name":"no id here"}')).toBeUndefined();
  });

  it('builds Suspend-PrintJob / Remove-PrintJob commands with the printer name quoted for PowerShell', () => {
    const [program, args] = printJobCommand('cancel', "Canon iR-ADV C5535 (経理部)", 14);
    expect(program).toBe('powershell.exe');
    expect(scriptOf(args)).toBe(`${UTF8_OUTPUT}\n$ErrorActionPreference = 'Stop'\nRemove-PrintJob -PrinterName 'Canon iR-ADV C5535 (経理部)' -ID 14`);
    expect(scriptOf(printJobCommand('hold', "O'Brien's HP", 3)[1])).toContain("Suspend-PrintJob -PrinterName 'O''Brien''s HP' -ID 3");
    expect(() => printJobCommand('hold', 'P', 0)).toThrow();
    const host = scriptOf(printHostArgs());
    expect(host.split('\n')[0]).toBe(UTF8_OUTPUT);
    expect(host).toContain('System.Diagnostics.Eventing.Reader.EventLogWatcher');
    expect(host).toContain("TargetInstance ISA 'Win32_PrintJob'");
  });

  it('subscribed sensor: cancels a job over policy while it spools (journaled first), records it cancelled, and records printed jobs from the log', async () => {
    const commands: string[] = [];
    const runCommand: CommandRunner = async (program, args) => {
      commands.push(`${program} ${scriptOf(args).split('\n').at(-1)}`);
      return { code: 0, stdout: '', stderr: '' };
    };
    const logReads: string[] = [];
    const events: EventDraft[] = [];
    const state = new PrintStateStore(join(mkdtempSync(join(tmpdir(), 'mamori-winprint-')), 'print-state.json'));
    const sensor = new PrintServiceEventLogSensor({
      pollMs: 60_000, state, policy: () => ({ enabled: true, per_job: { pages: 50, action: 'cancel' } }),
      readLog: async (xpath) => { logReads.push(xpath); return '<Events></Events>'; },
      spawnHost: () => replayHost(hostLines), runCommand,
    });
    const abort = new AbortController();
    await sensor.start((e) => events.push(e), abort.signal);
    await until(() => events.filter((e) => e.printJob).length === 2);
    expect(sensor.status()).toMatchObject({ state: 'running', detail: expect.stringContaining('subscribed') });
    abort.abort();
    expect(commands).toEqual(["powershell.exe Remove-PrintJob -PrinterName 'Canon iR-ADV C5535 (経理部)' -ID 14"]);
    const decision = events.findIndex((e) => e.policyDecision?.decision === 'cancel');
    expect(events[decision]!.policyDecision).toMatchObject({ subject: 'print', rule: 'print.per_job', detail: expect.stringContaining('job 14') });
    const jobs = events.map((e) => e.printJob).filter((j) => j != null);
    // The 307 of job 12 (9 pages, 1 copy: its 805 was not in this stream) and the cancelled job 14.
    expect(jobs.map((j) => [j.jobId, j.action, j.state])).toEqual([[12, 'logged', 'completed'], [14, 'cancelled', 'cancelled']]);
    expect(jobs[1]).toMatchObject({ printer: 'Canon iR-ADV C5535 (経理部)', documentName: 'Microsoft Word - 住民名簿.docx', pages: 60 });
    // The log was read once at start for anything written while the agent was not running, and once when the host was ready.
    expect(logReads.length).toBe(2);
  });
});
