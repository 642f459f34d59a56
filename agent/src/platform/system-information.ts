/**
 * The parts of systeminformation the agent uses, loaded module by module. The package's index requires all twenty
 * of its modules (graphics, docker, wifi, Bluetooth vendor tables…) whatever is called; in the single-executable
 * agent every bundled module's source text stays in memory, so only the six modules below are imported.
 * OS interface: systeminformation's (Linux /proc, /sys, lsblk; Windows WMI/PowerShell; macOS system_profiler).
 * Privileges: none. A function not listed here needs its module added (types in systeminformation-lib.d.ts).
 */
import type * as Si from 'systeminformation';

export interface SystemInformation {
  osInfo: typeof Si.osInfo;
  uuid: typeof Si.uuid;
  system: typeof Si.system;
  cpu: typeof Si.cpu;
  mem: typeof Si.mem;
  blockDevices: typeof Si.blockDevices;
  networkInterfaces: typeof Si.networkInterfaces;
  users: typeof Si.users;
}

let loading: Promise<SystemInformation> | undefined;

export function systemInformation(): Promise<SystemInformation> {
  loading ??= (async () => {
    const [util, osinfo, system, cpu, memory, filesystem, network, users] = await Promise.all([
      import('systeminformation/lib/util.js'), import('systeminformation/lib/osinfo.js'), import('systeminformation/lib/system.js'),
      import('systeminformation/lib/cpu.js'), import('systeminformation/lib/memory.js'), import('systeminformation/lib/filesystem.js'),
      import('systeminformation/lib/network.js'), import('systeminformation/lib/users.js'),
    ]);
    // What the package's index does on load: on Windows, find PowerShell and the console code page once.
    if (process.platform === 'win32') {
      util.getCodepage();
      util.getPowershell();
    }
    return {
      osInfo: osinfo.osInfo, uuid: osinfo.uuid, system: system.system, cpu: cpu.cpu, mem: memory.mem,
      blockDevices: filesystem.blockDevices, networkInterfaces: network.networkInterfaces, users: users.users,
    };
  })();
  return loading;
}
