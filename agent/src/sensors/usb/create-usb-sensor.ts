import { execCommand } from '../../control/node/exec-command.ts';
import { unsupportedHere, type Sensor } from '../common/sensor.ts';
import type { SensorContext } from '../registry.ts';
import type { UsbSource } from './common/usb-source.ts';
import { UsbSensor } from './common/usb-sensor.ts';

/**
 * Picks the removable-media source for this OS: sysfs+mountinfo on Linux, WMI events + snapshots on Windows,
 * system_profiler + diskutil activity on macOS. Device control (with the OS's enforcer) is built by main.ts and
 * comes in the context; without one there is nothing to decide with, so the sensor reports itself unsupported.
 */
export async function createUsbSensor(context: SensorContext): Promise<Sensor> {
  const config = context.config.sensors.usb;
  const control = context.deviceControl;
  const supported = 'Linux (sysfs), Windows (WMI) and macOS (system_profiler)';
  if (!control) return unsupportedHere('usb', supported);
  let source: UsbSource;
  if (process.platform === 'linux') {
    const { SysfsUsbSource } = await import('./linux/sysfs-usb-source.ts');
    source = new SysfsUsbSource(config);
  } else if (process.platform === 'win32') {
    const [{ queryWmiSnapshot }, { WmiEventUsbSource }] = await Promise.all([import('./win32/wmi-usb-source.ts'), import('./win32/wmi-event-host.ts')]);
    source = new WmiEventUsbSource({ snapshot: () => queryWmiSnapshot(execCommand) });
  } else if (process.platform === 'darwin') {
    const [{ querySystemProfiler }, { DiskutilActivitySource }] = await Promise.all([
      import('./darwin/system-profiler-usb-source.ts'), import('./darwin/diskutil-activity-source.ts'),
    ]);
    const activity = new DiskutilActivitySource({ snapshot: () => querySystemProfiler(execCommand) });
    // The mount guard: a refused stick's volume is unmounted again whenever something mounts it.
    activity.onActivity((event) => void control.guardDiskActivity(event));
    source = activity;
  } else {
    return unsupportedHere('usb', supported);
  }
  return new UsbSensor({ source, control });
}
