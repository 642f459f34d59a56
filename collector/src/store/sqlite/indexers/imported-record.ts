import type { EventIndexer } from '../indexer.ts';

/**
 * Puts imported rows of other systems' logs into the combined log under the mapping's event kind (e.g.
 * resident_record_access), so the console's log search shows them and reports count them by kind. Only rows
 * the collector imported itself count: an agent cannot pass its events off as another system's log.
 */
export const importedRecordIndexer: EventIndexer = {
  kind: 'imported_record',
  prepare(db) {
    const insert = db.prepare(`INSERT OR IGNORE INTO log_entries (event_id, time_ms, pc, user, kind, action, summary, detail, size_bytes)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`);
    const insertText = db.prepare('INSERT INTO log_entries_fts (rowid, summary, detail) VALUES (?, ?, ?)');
    return (ref, event) => {
      const record = event.importedRecord;
      if (!record || !ref.agentId.startsWith('import:')) return;
      const summary = record.target || record.action || record.eventKind;
      const detail = [record.source, record.outcome && `outcome ${record.outcome}`, ...Object.entries(record.fields).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`),
        `${record.fileName}:${record.line}`].filter(Boolean).join(' · ');
      const result = insert.run(ref.eventId, ref.timeMs, ref.pc, ref.user, record.eventKind, record.action, summary, detail);
      if (result.changes > 0) insertText.run(ref.eventId, summary, detail);
    };
  },
};
