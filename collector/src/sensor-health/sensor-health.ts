import type { PcSensorsRow, SensorDegradationRow } from '../store/repositories/sensor-health.ts';

/** One sensor of one PC as the console shows it. */
export interface SensorHealth {
  name: string;
  state: string;
  detail: string;
  /** When it stopped running, as far as the collector saw (null while running). */
  sinceMs: number | null;
}

export interface PcSensorHealth {
  pc: string;
  lastSeenMs: number | null;
  sensors: SensorHealth[];
  /** Sensors not running (degraded, stopped); unsupported ones are counted apart: expected on some OSes. */
  off: number;
  unsupported: number;
}

export interface SensorHealthSummary {
  pcs: PcSensorHealth[];
  /** Per sensor name: how many PCs report it degraded/stopped ("12 PCs with mail monitoring off") or unsupported. */
  bySensor: Record<string, { off: number; unsupported: number }>;
  /** PCs with at least one sensor off. */
  pcsWithSensorsOff: number;
}

/** Whether a reported state means "not watching although it should": degraded or stopped. */
export function isOff(state: string): boolean {
  return state === 'degraded' || state === 'stopped';
}

export function pcSensorHealth(row: PcSensorsRow, degradations: ReadonlyMap<string, SensorDegradationRow>): PcSensorHealth {
  const sensors = row.sensors.map((s) => ({
    name: s.name, state: s.state, detail: s.detail,
    sinceMs: s.state === 'running' ? null : degradations.get(`${row.pc}\u0000${s.name}`)?.sinceMs ?? null,
  }));
  return {
    pc: row.pc, lastSeenMs: row.lastSeenMs, sensors,
    off: sensors.filter((s) => isOff(s.state)).length, unsupported: sensors.filter((s) => s.state === 'unsupported').length,
  };
}

export function summariseSensorHealth(rows: readonly PcSensorsRow[], degradations: readonly SensorDegradationRow[]): SensorHealthSummary {
  const tracked = new Map(degradations.map((d) => [`${d.pc}\u0000${d.sensor}`, d]));
  const pcs = rows.map((row) => pcSensorHealth(row, tracked));
  const bySensor: SensorHealthSummary['bySensor'] = {};
  for (const pc of pcs) {
    for (const sensor of pc.sensors) {
      const counts = (bySensor[sensor.name] ??= { off: 0, unsupported: 0 });
      if (isOff(sensor.state)) counts.off += 1;
      else if (sensor.state === 'unsupported') counts.unsupported += 1;
    }
  }
  return { pcs, bySensor, pcsWithSensorsOff: pcs.filter((p) => p.off > 0).length };
}
