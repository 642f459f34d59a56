import { join } from 'node:path';
import { execCommand } from '../../control/node/exec-command.ts';
import { RecordingEnforcer, type DeviceEnforcer } from '../../control/common/enforcer.ts';
import { UnlockLedger } from '../../control/common/unlock-ledger.ts';
import { LoggedExceptions } from '../../control/common/logged-exceptions.ts';
import { AgentError } from '../../errors.ts';
import { unsupportedHere, type Sensor } from '../common/sensor.ts';
import type { SensorContext } from '../registry.ts';
import { UsbSensorConfigSchema } from './common/config.ts';
import { removableMounts } from './common/mount-hub.ts';
import type { UsbSource } from './common/usb-source.ts';
import { UsbSensor } from './common/usb-sensor.ts';

/**
 * Picks the removable-media source and enforcer for this OS: sysfs+mountinfo with USBGuard/sysfs on Linux, WMI
 * events + snapshots with Windows' device-installation policy on Windows, system_profiler + diskutil activity
 * with diskutil on macOS. The returned UsbSensor exposes `control` (device control), which the agent's `unlock`
 * path uses to redeem offline codes.
 */
export async function createUsbSensor(context: SensorContext): Promise<Sensor> {
  const parsed = UsbSensorConfigSchema.safeParse((context.config.sensors as Record<string, unknown>).usb ?? {});
  if (!parsed.success) {
    throw new AgentError('AGENT_CONFIG_INVALID', `sensors.usb: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const config = parsed.data;
  let source: UsbSource;
  let enforcer: DeviceEnforcer;
  if (process.platform === 'linux') {
    const [{ SysfsUsbSource }, { LinuxDeviceEnforcer }] = await Promise.all([
      import('./linux/sysfs-usb-source.ts'), import('../../control/linux/linux-enforcer.ts'),
    ]);
    source = new SysfsUsbSource(config);
    enforcer = new LinuxDeviceEnforcer({ sysRoot: config.sysRoot, prefer: config.enforcement === 'sysfs' ? 'sysfs' : 'auto' });
  } else if (process.platform === 'win32') {
    const [{ queryWmiSnapshot }, { WmiEventUsbSource }, { RegistryDeviceEnforcer }] = await Promise.all([
      import('./win32/wmi-usb-source.ts'), import('./win32/wmi-event-host.ts'), import('../../control/win32/registry-enforcer.ts'),
    ]);
    source = new WmiEventUsbSource({ snapshot: () => queryWmiSnapshot(execCommand) });
    enforcer = new RegistryDeviceEnforcer(execCommand);
  } else if (process.platform === 'darwin') {
    const [{ querySystemProfiler }, { DiskutilActivitySource }, { DiskutilEnforcer }] = await Promise.all([
      import('./darwin/system-profiler-usb-source.ts'), import('./darwin/diskutil-activity-source.ts'), import('../../control/darwin/diskutil-enforcer.ts'),
    ]);
    const activity = new DiskutilActivitySource({ snapshot: () => querySystemProfiler(execCommand) });
    const diskutil = new DiskutilEnforcer(execCommand);
    // The mount guard: a refused stick's volume is unmounted again whenever something mounts it.
    if (config.enforcement !== 'off') activity.onActivity((event) => void diskutil.guard(event));
    source = activity;
    enforcer = diskutil;
  } else {
    return unsupportedHere('usb', 'Linux (sysfs), Windows (WMI) and macOS (system_profiler)');
  }
  // enforcement "off": decisions are still made and journaled, nothing is enforced (pilot deployments).
  if (config.enforcement === 'off') enforcer = new RecordingEnforcer();
  return new UsbSensor({
    source, enforcer, policy: context.policy, user: context.currentUser, mounts: removableMounts,
    ledger: new UnlockLedger(config.unlockLedgerPath ?? join(context.config.stateDir, 'unlock-ledger.json')),
    logged: new LoggedExceptions(join(context.config.stateDir, 'exceptions-logged.json')),
  });
}
