import type Database from 'better-sqlite3';

export interface SavedAlertFilter {
  id: number;
  name: string;
  /** The filter as the console sends it to the alert list (validated by the HTTP layer). */
  filter: Record<string, unknown>;
  createdMs: number;
}

interface Row { id: number; name: string; filterJson: string; createdMs: number }
const toFilter = (row: Row): SavedAlertFilter => ({ id: row.id, name: row.name, filter: JSON.parse(row.filterJson) as Record<string, unknown>, createdMs: row.createdMs });

/** One user's saved filters, by name. */
export function listSavedAlertFilters(db: Database.Database, username: string): SavedAlertFilter[] {
  return (db.prepare('SELECT id, name, filter_json AS filterJson, created_ms AS createdMs FROM saved_alert_filters WHERE username = ? ORDER BY name, id')
    .all(username) as Row[]).map(toFilter);
}

/** Saves under a name; saving the same name again replaces that user's filter of that name. */
export function saveAlertFilter(db: Database.Database, username: string, name: string, filter: Record<string, unknown>, nowMs: number): SavedAlertFilter {
  const row = db.prepare(`INSERT INTO saved_alert_filters (username, name, filter_json, created_ms) VALUES (?, ?, ?, ?)
    ON CONFLICT (username, name) DO UPDATE SET filter_json = excluded.filter_json, created_ms = excluded.created_ms
    RETURNING id, name, filter_json AS filterJson, created_ms AS createdMs`).get(username, name, JSON.stringify(filter), nowMs) as Row;
  return toFilter(row);
}

/** Deletes one of that user's filters; false when it is not theirs or does not exist. */
export function deleteSavedAlertFilter(db: Database.Database, username: string, id: number): boolean {
  return db.prepare('DELETE FROM saved_alert_filters WHERE id = ? AND username = ?').run(id, username).changes > 0;
}
