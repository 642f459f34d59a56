import type { AgentConfig } from '../config/schema.ts';
import type { PolicyHolder } from '../core/policy-holder.ts';
import type { Sensor } from './common/sensor.ts';

/** What every sensor factory may use. */
export interface SensorContext {
  config: AgentConfig;
  policy: PolicyHolder;
  /** The logged-in user now, where knowable. */
  currentUser: () => string;
}

/**
 * The one place adapters are chosen by `process.platform`. Each feature adds its factory here; factories load
 * OS modules with dynamic import() so a Windows-only module never loads on Linux.
 */
export async function createSensors(context: SensorContext): Promise<Sensor[]> {
  const factories: ((context: SensorContext) => Promise<Sensor>)[] = [
    // feature factories are listed here, one line each
  ];
  return Promise.all(factories.map((factory) => factory(context)));
}
