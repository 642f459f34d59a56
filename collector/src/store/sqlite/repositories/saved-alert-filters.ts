import type Database from 'better-sqlite3';
import type { SavedAlertFilter, SavedAlertFiltersRepository } from '../../repositories/saved-alert-filters.ts';

interface Row { id: number; name: string; filterJson: string; createdMs: number }
const toFilter = (row: Row): SavedAlertFilter => ({ id: row.id, name: row.name, filter: JSON.parse(row.filterJson) as Record<string, unknown>, createdMs: row.createdMs });

export class SqliteSavedAlertFiltersRepository implements SavedAlertFiltersRepository {
  constructor(private readonly db: Database.Database) {}

  async list(username: string): Promise<SavedAlertFilter[]> {
    return (this.db.prepare('SELECT id, name, filter_json AS filterJson, created_ms AS createdMs FROM saved_alert_filters WHERE username = ? ORDER BY name, id')
      .all(username) as Row[]).map(toFilter);
  }

  async save(username: string, name: string, filter: Record<string, unknown>, nowMs: number): Promise<SavedAlertFilter> {
    const row = this.db.prepare(`INSERT INTO saved_alert_filters (username, name, filter_json, created_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (username, name) DO UPDATE SET filter_json = excluded.filter_json, created_ms = excluded.created_ms
      RETURNING id, name, filter_json AS filterJson, created_ms AS createdMs`).get(username, name, JSON.stringify(filter), nowMs) as Row;
    return toFilter(row);
  }

  async delete(username: string, id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM saved_alert_filters WHERE id = ? AND username = ?').run(id, username).changes > 0;
  }
}
