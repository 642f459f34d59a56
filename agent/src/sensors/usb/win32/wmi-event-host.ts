/**
 * Windows USB source, live: a long-lived PowerShell host subscribed to WMI events writes one UTF-8 JSON line per
 * event; each device or volume event makes the source take a snapshot (wmi-usb-source.ts) at once and diff it.
 * A snapshot also runs at start and every `reconcileMs`, so an event WMI dropped is caught up.
 * OS interfaces: Register-CimIndicationEvent (CimCmdlets) on
 *   - Win32_VolumeChangeEvent (EventType 2 = arrival, 3 = removal; DriveName "E:"): an extrinsic event Windows
 *     raises on WM_DEVICECHANGE for drive letters, no polling;
 *   - __InstanceCreationEvent / __InstanceDeletionEvent WITHIN 2 on Win32_PnPEntity with a USB id: intrinsic
 *     events, which WMI implements by polling the class every 2 s (documented for WITHIN), so a device that
 *     only stays for less than that may be missed here — the volume event and the snapshot still see its mount.
 *   Wait-Event / Remove-Event drain the queue; a heartbeat every 60 s keeps a broken pipe from going unnoticed
 *   (writing to it ends the host when the agent is gone).
 * Privileges: none for the events; the agent runs as LocalSystem anyway.
 * Known gaps: if PowerShell cannot start or the host exits, the source says degraded, polls snapshots every
 *   `fallbackPollMs` and restarts the host after `restartMs`. Never run on Windows here: tested with a real
 *   child process replaying recorded-format lines (fixtures/README.md says which are hand-written).
 */
import { spawn } from 'node:child_process';
import type { SensorStatus } from '../../common/sensor.ts';
import { SnapshotUsbSource, type UsbSnapshot } from '../common/snapshot-usb-source.ts';
import type { UsbObservation } from '../../../core/removable-media/usb-device.ts';
import type { UsbSource } from '../common/usb-source.ts';
import { LineHost, type HostProcess } from '../../../platform/line-host.ts';
import { readJsonLine } from '../../../platform/json-line.ts';
import { powershellArgs } from '../../../platform/powershell.ts';

export const WMI_EVENT_HOST_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "Register-CimIndicationEvent -ClassName Win32_VolumeChangeEvent -SourceIdentifier 'mamori.volume' | Out-Null",
  "Register-CimIndicationEvent -Query \"SELECT * FROM __InstanceCreationEvent WITHIN 2 WHERE TargetInstance ISA 'Win32_PnPEntity' AND TargetInstance.PNPDeviceID LIKE 'USB%'\" -SourceIdentifier 'mamori.arrival' | Out-Null",
  "Register-CimIndicationEvent -Query \"SELECT * FROM __InstanceDeletionEvent WITHIN 2 WHERE TargetInstance ISA 'Win32_PnPEntity' AND TargetInstance.PNPDeviceID LIKE 'USB%'\" -SourceIdentifier 'mamori.removal' | Out-Null",
  'function Send($line) { [Console]::Out.WriteLine(($line | ConvertTo-Json -Compress)); [Console]::Out.Flush() }',
  "Send @{ kind = 'ready' }",
  'while ($true) {',
  '  $e = Wait-Event -Timeout 60',
  "  if ($null -eq $e) { Send @{ kind = 'heartbeat' }; continue }",
  '  $new = $e.SourceEventArgs.NewEvent',
  '  switch ($e.SourceIdentifier) {',
  "    'mamori.volume' { Send @{ kind = 'volume'; eventType = [int]$new.EventType; drive = [string]$new.DriveName } }",
  "    'mamori.arrival' { Send @{ kind = 'device'; change = 'arrival'; id = [string]$new.TargetInstance.PNPDeviceID; name = [string]$new.TargetInstance.Name } }",
  "    'mamori.removal' { Send @{ kind = 'device'; change = 'removal'; id = [string]$new.TargetInstance.PNPDeviceID; name = [string]$new.TargetInstance.Name } }",
  '  }',
  '  Remove-Event -EventIdentifier $e.EventIdentifier',
  '}',
].join('\n');

/** One line from the host. */
export type HostLine =
  | { kind: 'ready' }
  | { kind: 'heartbeat' }
  | { kind: 'volume'; change: 'arrival' | 'removal' | 'other'; drive: string }
  | { kind: 'device'; change: 'arrival' | 'removal'; id: string; name: string };

/** Parses one host line; undefined for anything else (a PowerShell warning, a partial line). */
export function parseHostLine(line: string): HostLine | undefined {
  const record = readJsonLine(line);
  if (!record) return undefined;
  const { str } = record;
  switch (record.kind) {
    case 'ready': return { kind: 'ready' };
    case 'heartbeat': return { kind: 'heartbeat' };
    case 'volume': return { kind: 'volume', change: record.raw.eventType === 2 ? 'arrival' : record.raw.eventType === 3 ? 'removal' : 'other', drive: str('drive') };
    case 'device': {
      const change = str('change');
      if ((change !== 'arrival' && change !== 'removal') || !str('id')) return undefined;
      return { kind: 'device', change, id: str('id'), name: str('name') };
    }
    default: return undefined;
  }
}

export interface WmiEventUsbSourceOptions {
  snapshot: () => Promise<UsbSnapshot>;
  spawnHost?: () => HostProcess;
  /** Snapshot every this often while the host runs, to catch up on anything missed. */
  reconcileMs?: number;
  /** Snapshot every this often while the host is down. */
  fallbackPollMs?: number;
  restartMs?: number;
}

const spawnPowerShellHost = (): HostProcess => spawn('powershell.exe', powershellArgs(WMI_EVENT_HOST_SCRIPT), { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });

export class WmiEventUsbSource implements UsbSource {
  readonly mechanism = 'wmi-events';
  readonly #options: Required<WmiEventUsbSourceOptions>;
  readonly #snapshots: SnapshotUsbSource;
  readonly #host: LineHost;
  #hostState: 'starting' | 'ready' | 'down' = 'starting';
  #hostDetail = '';
  #lastBadLine = '';
  #events = 0;
  #fallback: NodeJS.Timeout | undefined;

  constructor(options: WmiEventUsbSourceOptions) {
    this.#options = { spawnHost: spawnPowerShellHost, reconcileMs: 60_000, fallbackPollMs: 2_000, restartMs: 5_000, ...options };
    this.#snapshots = new SnapshotUsbSource('wmi', options.snapshot, this.#options.reconcileMs);
    this.#host = new LineHost(this.#options.spawnHost, {
      line: (text) => this.#onLine(text),
      // Something happened that we could not read: a snapshot tells what.
      unreadable: (reason) => {
        this.#lastBadLine = reason;
        this.#changed();
      },
      down: (reason) => {
        this.#hostState = 'down';
        this.#hostDetail = reason;
        this.#fallback ??= setInterval(() => void this.#snapshots.rescan(), this.#options.fallbackPollMs);
      },
    }, this.#options.restartMs);
  }

  /** Device and volume events received since start (status and tests). */
  get eventCount(): number {
    return this.#events;
  }

  async start(listener: (observation: UsbObservation) => void, signal: AbortSignal): Promise<SensorStatus> {
    signal.addEventListener('abort', () => {
      clearInterval(this.#fallback);
      this.#host.stop();
    }, { once: true });
    this.#host.start();
    await this.#snapshots.start(listener, signal);
    return this.status();
  }

  status(): SensorStatus {
    const snapshots = this.#snapshots.status();
    if (snapshots.state !== 'running') return snapshots;
    const bad = this.#lastBadLine ? `; last unreadable host line: ${this.#lastBadLine}` : '';
    if (this.#hostState === 'down') {
      return { state: 'degraded', detail: `WMI event host down (${this.#hostDetail}): polling snapshots every ${this.#options.fallbackPollMs} ms${bad}` };
    }
    if (this.#hostState === 'starting') return { state: 'running', detail: `WMI event host starting; snapshot every ${this.#options.reconcileMs} ms${bad}` };
    return { state: 'running', detail: `WMI events (Win32_VolumeChangeEvent, Win32_PnPEntity arrival/removal), snapshot every ${this.#options.reconcileMs} ms${bad}` };
  }

  rescan(): Promise<void> {
    return this.#snapshots.rescan();
  }

  #onLine(text: string): void {
    const line = parseHostLine(text);
    if (!line) return;
    if (line.kind === 'ready') {
      this.#hostState = 'ready';
      clearInterval(this.#fallback);
      this.#fallback = undefined;
      return;
    }
    if (line.kind !== 'heartbeat') this.#changed();
  }

  #changed(): void {
    this.#events += 1;
    void this.#snapshots.rescan();
  }
}
