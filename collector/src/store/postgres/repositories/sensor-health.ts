import type pg from 'pg';
import type { PcSensorsRow, ReportedSensor, SensorDegradationRow, SensorHealthRepository } from '../../repositories/sensor-health.ts';
import { inTransaction } from './transaction.ts';

interface AgentSensorsRow { pc: string; agentId: string; lastSeenMs: number | null; sensorsJson: string }

const agentColumns = 'pc, id AS "agentId", last_seen_ms AS "lastSeenMs", sensors_json AS "sensorsJson"';

/** The heartbeat's sensors as stored; anything that is not a list of named sensors reads as none. */
function parseSensors(json: string): ReportedSensor[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((s): s is ReportedSensor => typeof s?.name === 'string' && typeof s?.state === 'string') : [];
  } catch {
    return [];
  }
}

const toRow = (r: AgentSensorsRow): PcSensorsRow => ({ pc: r.pc, agentId: r.agentId, lastSeenMs: r.lastSeenMs, sensors: parseSensors(r.sensorsJson) });

/** Sensors from the agents' heartbeats, and the degradations every collector on the database tracks (migration 0122). */
export class PostgresSensorHealthRepository implements SensorHealthRepository {
  constructor(private readonly pool: pg.Pool) {}

  async currentSensors(): Promise<PcSensorsRow[]> {
    return (await this.pool.query<AgentSensorsRow>(`SELECT ${agentColumns} FROM agents WHERE retired_ms IS NULL ORDER BY pc COLLATE "C"`)).rows.map(toRow);
  }

  async sensorsOf(pc: string): Promise<PcSensorsRow | undefined> {
    const row = (await this.pool.query<AgentSensorsRow>(`SELECT ${agentColumns} FROM agents WHERE pc = $1 AND retired_ms IS NULL
      ORDER BY enrolled_ms DESC LIMIT 1`, [pc])).rows[0];
    return row ? toRow(row) : undefined;
  }

  async degradations(): Promise<SensorDegradationRow[]> {
    return (await this.pool.query<SensorDegradationRow>(`SELECT pc, sensor, state, detail, since_ms AS "sinceMs", alerted_ms AS "alertedMs"
      FROM sensor_degradations ORDER BY pc COLLATE "C", sensor COLLATE "C"`)).rows;
  }

  async syncDegradations(upsert: Omit<SensorDegradationRow, 'alertedMs'>[], remove: { pc: string; sensor: string }[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const row of upsert) {
        await client.query(`INSERT INTO sensor_degradations (pc, sensor, state, detail, since_ms) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (pc, sensor) DO UPDATE SET state = excluded.state, detail = excluded.detail`, [row.pc, row.sensor, row.state, row.detail, row.sinceMs]);
      }
      for (const row of remove) await client.query('DELETE FROM sensor_degradations WHERE pc = $1 AND sensor = $2', [row.pc, row.sensor]);
    });
  }

  async markAlerted(pc: string, sensor: string, atMs: number): Promise<void> {
    await this.pool.query('UPDATE sensor_degradations SET alerted_ms = $1 WHERE pc = $2 AND sensor = $3', [atMs, pc, sensor]);
  }
}
