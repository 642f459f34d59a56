import { join } from 'node:path';
import type { PrintPolicy } from '@mamori/policies';
import type { Sensor } from '../common/sensor.ts';
import { unsupportedHere } from '../common/sensor.ts';
import type { SensorContext } from '../registry.ts';
import { PrintStateStore } from './common/print-state.ts';

/** Picks the print adapter for this OS: CUPS on Linux and macOS, the PrintService event log on Windows. */
export async function createPrintSensor(context: SensorContext): Promise<Sensor> {
  const config = context.config.sensors.print;
  const policy = (): PrintPolicy | undefined => context.policy.current()?.print;
  const state = () => new PrintStateStore(join(context.config.stateDir, 'print-state.json'));
  if (!config.enabled) {
    const status = { state: 'stopped', detail: 'print monitoring disabled in the agent configuration' } as const;
    return { name: 'print', start: async () => status, status: () => status };
  }
  if (process.platform === 'linux' || process.platform === 'darwin') {
    const { CupsPrintSensor } = await import('./linux/cups-print-sensor.ts');
    const cups = process.platform === 'darwin' && config.cups.socketPath === '/run/cups/cups.sock'
      ? { ...config.cups, socketPath: '/private/var/run/cupsd' }
      : config.cups;
    return new CupsPrintSensor({ cups, state: state(), policy });
  }
  if (process.platform === 'win32') {
    const [{ PrintServiceEventLogSensor }, { execCommand }] = await Promise.all([
      import('./win32/print-service-event-log-sensor.ts'), import('../../control/node/exec-command.ts'),
    ]);
    return new PrintServiceEventLogSensor({ pollMs: config.windows.pollMs, state: state(), policy, runCommand: execCommand });
  }
  return unsupportedHere('print', 'Linux and macOS (CUPS) and Windows (PrintService event log)');
}
