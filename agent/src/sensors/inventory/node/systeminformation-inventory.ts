// Inventory through systeminformation (Linux: /proc, /sys, lsblk, dpkg-query; Windows: WMI/PowerShell;
// macOS: system_profiler/sysctl). No privileges needed beyond reading system information. Known gaps: installed
// software is listed only where systeminformation or the package manager can enumerate it (dpkg/rpm on Linux).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { InventorySnapshot } from '@mamori/proto';
import type { InventorySource } from '../common/inventory-source.ts';

const run = promisify(execFile);

export class SystemInformationInventory implements InventorySource {
  async collect(): Promise<InventorySnapshot> {
    const si = await import('../../../platform/system-information.ts').then((m) => m.systemInformation());
    const [os, system, cpu, mem, disks, nets, uuid] = await Promise.all([
      si.osInfo(), si.system(), si.cpu(), si.mem(), si.blockDevices(), si.networkInterfaces(), si.uuid(),
    ]);
    const interfaces = Array.isArray(nets) ? nets : [nets];
    return {
      hostname: os.hostname, osPlatform: os.platform, osDistro: os.distro, osRelease: os.release, osArch: os.arch,
      manufacturer: system.manufacturer, model: system.model, serial: system.serial, hardwareUuid: uuid.hardware || uuid.os,
      cpu: `${cpu.manufacturer} ${cpu.brand}`.trim(), memoryBytes: mem.total,
      disks: disks.map((d) => ({ name: d.name, type: d.type, sizeBytes: d.size, mount: d.mount, removable: d.removable })),
      networkInterfaces: interfaces.map((n) => ({ name: n.iface, mac: n.mac, ipv4: n.ip4, ipv6: n.ip6 })),
      software: await installedSoftware(),
    };
  }
}

/** dpkg on Debian-family Linux; elsewhere empty (Windows/macOS listing is future work, see README). */
async function installedSoftware(): Promise<{ name: string; version: string }[]> {
  if (process.platform !== 'linux') return [];
  try {
    const { stdout } = await run('dpkg-query', ['-W', '-f=${Package}\t${Version}\n'], { maxBuffer: 16 * 1024 * 1024 });
    return stdout.split('\n').filter(Boolean).slice(0, 5000).map((line) => {
      const [name = '', version = ''] = line.split('\t');
      return { name, version };
    });
  } catch {
    return [];
  }
}
