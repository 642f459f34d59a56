import type pg from 'pg';
import type { SavedAlertFilter, SavedAlertFiltersRepository } from '../../repositories/saved-alert-filters.ts';

interface Row { id: number; name: string; filterJson: string; createdMs: number }
const toFilter = (row: Row): SavedAlertFilter => ({ id: row.id, name: row.name, filter: JSON.parse(row.filterJson) as Record<string, unknown>, createdMs: row.createdMs });
const columns = 'id, name, filter_json AS "filterJson", created_ms AS "createdMs"';

export class PostgresSavedAlertFiltersRepository implements SavedAlertFiltersRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(username: string): Promise<SavedAlertFilter[]> {
    return (await this.pool.query<Row>(`SELECT ${columns} FROM saved_alert_filters WHERE username = $1 ORDER BY name COLLATE "C", id`, [username])).rows.map(toFilter);
  }

  async save(username: string, name: string, filter: Record<string, unknown>, nowMs: number): Promise<SavedAlertFilter> {
    return toFilter((await this.pool.query<Row>(`INSERT INTO saved_alert_filters (username, name, filter_json, created_ms) VALUES ($1, $2, $3, $4)
      ON CONFLICT (username, name) DO UPDATE SET filter_json = excluded.filter_json, created_ms = excluded.created_ms
      RETURNING ${columns}`, [username, name, JSON.stringify(filter), nowMs])).rows[0]!);
  }

  async delete(username: string, id: number): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM saved_alert_filters WHERE id = $1 AND username = $2', [id, username])).rowCount ?? 0) > 0;
  }
}
