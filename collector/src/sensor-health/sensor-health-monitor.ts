import type { AlertCandidate } from '../alerts/types.ts';
import type { Severity } from '@mamori/policies';
import type { SensorHealthRepository } from '../store/repositories/sensor-health.ts';
import { isOff } from './sensor-health.ts';

export interface SensorHealthMonitorOptions {
  repo: SensorHealthRepository;
  /** Records alert candidates (the alert service: fold, store, notify). */
  raise: (candidates: AlertCandidate[]) => void;
  /** The alert policy's colour per severity. */
  colors: () => Record<Severity, string>;
  now: () => number;
  /** How long a sensor may stay degraded before one alert is raised. */
  degradedAlertAfterMs: number;
  severity?: Severity;
}

/**
 * Follows the sensor states agents report in their heartbeats: remembers when each sensor stopped running (so the
 * console can say since when) and raises one alert per PC and sensor once it has stayed degraded or stopped past
 * the threshold. A sensor that recovers is forgotten; if it goes down again, that is a new outage.
 */
export class SensorHealthMonitor {
  constructor(private readonly options: SensorHealthMonitorOptions) {}

  /** One pass: sync the tracked outages with the latest reports, then alert on those past the threshold. */
  async check(): Promise<AlertCandidate[]> {
    const { repo, now } = this.options;
    const nowMs = now();
    const reported = await repo.currentSensors();
    const tracked = new Map((await repo.degradations()).map((d) => [`${d.pc}\u0000${d.sensor}`, d]));
    const upsert: Parameters<SensorHealthRepository['syncDegradations']>[0] = [];
    const seen = new Set<string>();
    for (const pc of reported) {
      for (const sensor of pc.sensors) {
        if (sensor.state === 'running') continue;
        const key = `${pc.pc}\u0000${sensor.name}`;
        seen.add(key);
        const known = tracked.get(key);
        if (!known || known.state !== sensor.state || known.detail !== sensor.detail) {
          upsert.push({ pc: pc.pc, sensor: sensor.name, state: sensor.state, detail: sensor.detail, sinceMs: known?.sinceMs ?? nowMs });
        }
      }
    }
    const remove = [...tracked.values()].filter((d) => !seen.has(`${d.pc}\u0000${d.sensor}`)).map(({ pc, sensor }) => ({ pc, sensor }));
    if (upsert.length > 0 || remove.length > 0) await repo.syncDegradations(upsert, remove);

    const candidates: AlertCandidate[] = [];
    const severity = this.options.severity ?? 'medium';
    const agentOf = new Map(reported.map((r) => [r.pc, r.agentId]));
    for (const pc of reported) {
      for (const sensor of pc.sensors) {
        const key = `${pc.pc}\u0000${sensor.name}`;
        const known = tracked.get(key);
        const sinceMs = known?.sinceMs ?? nowMs;
        if (!isOff(sensor.state) || known?.alertedMs || nowMs - sinceMs < this.options.degradedAlertAfterMs) continue;
        candidates.push({
          ruleId: `sensor_degraded.${sensor.name}`, ruleName: `Sensor ${sensor.name} not running`, kind: 'sensor_degraded', severity,
          color: this.options.colors()[severity], pc: pc.pc, user: '', agentId: agentOf.get(pc.pc) ?? '',
          title: `${sensor.name} monitoring off on ${pc.pc} since ${new Date(sinceMs).toISOString()}: ${sensor.detail}`,
          // The time is a parameter in ISO form; readers' renderings keep it (the console shows the alert's own times).
          titleMessage: { key: 'alert.sensorDegraded', params: { sensor: sensor.name, pc: pc.pc, since: new Date(sinceMs).toISOString(), detail: sensor.detail } },
          firstMs: sinceMs, lastMs: nowMs, count: 1, eventIds: [], foldWindowMs: 86_400_000,
        });
        await repo.markAlerted(pc.pc, sensor.name, nowMs);
      }
    }
    if (candidates.length > 0) this.options.raise(candidates);
    return candidates;
  }

  /** Checks every `intervalMs` until the returned function is called. */
  start(intervalMs: number, onError: (error: unknown) => void): () => void {
    const timer = setInterval(() => {
      this.check().catch(onError);
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
