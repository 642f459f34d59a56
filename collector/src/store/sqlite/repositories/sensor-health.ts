import type Database from 'better-sqlite3';
import type { PcSensorsRow, ReportedSensor, SensorDegradationRow, SensorHealthRepository } from '../../repositories/sensor-health.ts';

interface AgentSensorsRow { pc: string; agentId: string; lastSeenMs: number | null; sensorsJson: string }

const agentColumns = 'pc, id AS agentId, last_seen_ms AS lastSeenMs, sensors_json AS sensorsJson';

function parseSensors(json: string): ReportedSensor[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((s): s is ReportedSensor => typeof s?.name === 'string' && typeof s?.state === 'string') : [];
  } catch {
    return [];
  }
}

const toRow = (r: AgentSensorsRow): PcSensorsRow => ({ pc: r.pc, agentId: r.agentId, lastSeenMs: r.lastSeenMs, sensors: parseSensors(r.sensorsJson) });

export class SqliteSensorHealthRepository implements SensorHealthRepository {
  constructor(private readonly db: Database.Database) {}

  async currentSensors(): Promise<PcSensorsRow[]> {
    return (this.db.prepare(`SELECT ${agentColumns} FROM agents WHERE retired_ms IS NULL ORDER BY pc`).all() as AgentSensorsRow[]).map(toRow);
  }

  async sensorsOf(pc: string): Promise<PcSensorsRow | undefined> {
    const row = this.db.prepare(`SELECT ${agentColumns} FROM agents WHERE pc = ? AND retired_ms IS NULL ORDER BY enrolled_ms DESC LIMIT 1`).get(pc) as AgentSensorsRow | undefined;
    return row ? toRow(row) : undefined;
  }

  async degradations(): Promise<SensorDegradationRow[]> {
    return this.db.prepare(`SELECT pc, sensor, state, detail, since_ms AS sinceMs, alerted_ms AS alertedMs FROM sensor_degradations ORDER BY pc, sensor`)
      .all() as SensorDegradationRow[];
  }

  async syncDegradations(upsert: Omit<SensorDegradationRow, 'alertedMs'>[], remove: { pc: string; sensor: string }[]): Promise<void> {
    const put = this.db.prepare(`INSERT INTO sensor_degradations (pc, sensor, state, detail, since_ms) VALUES (@pc, @sensor, @state, @detail, @sinceMs)
      ON CONFLICT (pc, sensor) DO UPDATE SET state = excluded.state, detail = excluded.detail`);
    const drop = this.db.prepare('DELETE FROM sensor_degradations WHERE pc = ? AND sensor = ?');
    this.db.transaction(() => {
      for (const row of upsert) put.run(row);
      for (const row of remove) drop.run(row.pc, row.sensor);
    })();
  }

  async markAlerted(pc: string, sensor: string, atMs: number): Promise<void> {
    this.db.prepare('UPDATE sensor_degradations SET alerted_ms = ? WHERE pc = ? AND sensor = ?').run(atMs, pc, sensor);
  }
}
