/** Sensor health as agents report it in heartbeats, and how long each sensor has been off. */

/** One sensor of one PC as its agent last reported it. */
export interface ReportedSensor {
  name: string;
  /** running, degraded, unsupported, stopped. */
  state: string;
  detail: string;
}

/** The current (not retired) agent of each PC, with its last reported sensors. */
export interface PcSensorsRow {
  pc: string;
  agentId: string;
  lastSeenMs: number | null;
  sensors: ReportedSensor[];
}

/** A sensor not running on a PC since `sinceMs`; `alertedMs` once the "stays degraded" alert was raised. */
export interface SensorDegradationRow {
  pc: string;
  sensor: string;
  state: string;
  detail: string;
  sinceMs: number;
  alertedMs: number | null;
}

export interface SensorHealthRepository {
  /** Every current agent's last reported sensors. */
  currentSensors(): Promise<PcSensorsRow[]>;
  /** One PC's current agent's sensors (undefined when no agent has that name). */
  sensorsOf(pc: string): Promise<PcSensorsRow | undefined>;
  /** All tracked degradations. */
  degradations(): Promise<SensorDegradationRow[]>;
  /** Replaces the tracked set in one transaction: `upsert` keep their since/alerted when already tracked. */
  syncDegradations(upsert: Omit<SensorDegradationRow, 'alertedMs'>[], remove: { pc: string; sensor: string }[]): Promise<void>;
  markAlerted(pc: string, sensor: string, atMs: number): Promise<void>;
}
