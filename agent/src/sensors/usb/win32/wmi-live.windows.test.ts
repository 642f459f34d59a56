import { describe, expect, it } from 'vitest';
import { execCommand } from '../../../control/node/exec-command.ts';
import { printJobCommand } from '../../print/win32/windows-print-host.ts';
import { queryWmiSnapshot } from './wmi-usb-source.ts';
import { WmiEventUsbSource } from './wmi-event-host.ts';

/**
 * Live checks for a real Windows PC or runner (.github/workflows/windows.yml). On other OSes there is no
 * PowerShell or WMI, so these are skipped there; they are the only tests that run the scripts for real.
 */
describe.skipIf(process.platform !== 'win32')('Windows adapters against the real OS (live; Windows only)', () => {
  it('the snapshot script runs in Windows PowerShell and its UTF-8 output parses', async () => {
    const snapshot = await queryWmiSnapshot(execCommand);
    expect(Array.isArray(snapshot.devices)).toBe(true);
    expect(Array.isArray(snapshot.mounts)).toBe(true);
  });

  it('the event host subscribes and reports ready', async () => {
    const source = new WmiEventUsbSource({ snapshot: () => queryWmiSnapshot(execCommand) });
    const abort = new AbortController();
    await source.start(() => undefined, abort.signal);
    const end = Date.now() + 30_000;
    while (!source.status().detail.startsWith('WMI events') && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    const status = source.status();
    abort.abort();
    expect(status).toMatchObject({ state: 'running', detail: expect.stringContaining('WMI events') });
  });

  it('Suspend-PrintJob on a printer that does not exist fails with PowerShell\'s reason (the cmdlet and quoting work)', async () => {
    const [program, args] = printJobCommand('hold', "No Such Printer 'x'", 1);
    const result = await execCommand(program, args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/No Such Printer|printer/i);
  });
});
