import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Sensor } from '../common/sensor.ts';
import type { SensorContext } from '../registry.ts';
import { ChokidarFileCopySensor } from './node/file-copy-sensor.ts';

/** The file-copy sensor (one implementation on every OS; only network-share discovery is Linux-specific). */
export async function createFileCopySensor(context: SensorContext): Promise<Sensor> {
  const config = context.config.sensors.fileCopy;
  if (!config.enabled) {
    const status = { state: 'stopped', detail: 'file-copy recording disabled in the agent configuration' } as const;
    return { name: 'file-copy', start: async () => status, status: () => status };
  }
  const networkShares = process.platform === 'linux'
    ? await import('./node/network-shares.ts').then((m) => () => m.networkShareMounts())
    : undefined;
  const { ContentInspector } = await import('../../inspect/node/content-inspector.ts');
  return new ChokidarFileCopySensor({
    config, policy: context.policy, mounts: context.mounts, user: context.currentUser, networkShares,
    inspector: new ContentInspector(() => context.policy.current()?.content),
    home: () => homeOf(context.currentUser()),
  });
}

/** The logged-in user's home: "~" in policy paths means theirs, not the service account's. */
function homeOf(user: string): string {
  const bare = user.split('\\').at(-1)!.split('@')[0]!;
  const candidates = process.platform === 'win32' ? [join('C:\\Users', bare)]
    : process.platform === 'darwin' ? [join('/Users', bare)] : [join('/home', bare)];
  return bare && /^[\w.-]+$/.test(bare) ? candidates.find((c) => existsSync(c)) ?? homedir() : homedir();
}
