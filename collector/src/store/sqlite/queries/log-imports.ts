import type Database from 'better-sqlite3';
import { ZERO_HASH, chainHash } from '@mamori/proto';
import { importAgentId, type ImportInput, type ImportResult, type LogImportRecord } from '../../repositories/log-imports.ts';

/**
 * Stores a file's mapped rows as events in one transaction: rows already imported (same fingerprint) are
 * skipped, new ones continue the mapping's chain (h_n = SHA-256(h_{n-1} ‖ bytes), like an agent's), and the
 * import itself is recorded. All or nothing.
 */
export function storeImportedRows(db: Database.Database, input: ImportInput): ImportResult {
  const agentId = importAgentId(input.mapping);
  const head = db.prepare('SELECT seq, hash FROM events WHERE agent_id = ? ORDER BY seq DESC LIMIT 1');
  const known = db.prepare('SELECT 1 FROM imported_rows WHERE mapping = ? AND fingerprint = ?');
  const insertEvent = db.prepare(`INSERT INTO events (agent_id, seq, pc, time_ms, received_ms, kind, user, hash, bytes)
    VALUES (?, ?, ?, ?, ?, 'imported_record', ?, ?, ?)`);
  const insertRow = db.prepare('INSERT INTO imported_rows (mapping, fingerprint, event_id) VALUES (?, ?, ?)');
  const insertImport = db.prepare(`INSERT INTO log_imports (mapping, event_kind, file_name, file_sha256, rows_total, rows_new, rows_duplicate,
    rows_rejected, first_seq, last_seq, imported_ms, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return db.transaction((): ImportResult => {
    const last = head.get(agentId) as { seq: number; hash: Buffer } | undefined;
    let seq = last?.seq ?? 0;
    let hash = last?.hash ?? ZERO_HASH;
    let firstSeq: number | null = null;
    let rowsDuplicate = 0;
    for (const row of input.rows) {
      if (known.get(input.mapping, row.fingerprint)) {
        rowsDuplicate += 1;
        continue;
      }
      seq += 1;
      firstSeq ??= seq;
      const bytes = row.encode(seq);
      hash = chainHash(hash, bytes);
      const eventId = Number(insertEvent.run(agentId, seq, row.pc, row.timeMs, input.nowMs, row.user, hash, bytes).lastInsertRowid);
      insertRow.run(input.mapping, row.fingerprint, eventId);
    }
    const rowsNew = input.rows.length - rowsDuplicate;
    const lastSeq = rowsNew > 0 ? seq : null;
    const importId = Number(insertImport.run(input.mapping, input.eventKind, input.fileName, input.fileSha256, input.rowsTotal, rowsNew, rowsDuplicate,
      input.rowsRejected, firstSeq, lastSeq, input.nowMs, input.actor).lastInsertRowid);
    return { importId, rowsNew, rowsDuplicate, firstSeq, lastSeq };
  }).immediate();
}

/** Imports, newest first. */
export function listLogImports(db: Database.Database, limit: number): LogImportRecord[] {
  return db.prepare(`SELECT id, mapping, event_kind AS eventKind, file_name AS fileName, file_sha256 AS fileSha256, rows_total AS rowsTotal,
    rows_new AS rowsNew, rows_duplicate AS rowsDuplicate, rows_rejected AS rowsRejected, first_seq AS firstSeq, last_seq AS lastSeq,
    imported_ms AS importedMs, actor FROM log_imports ORDER BY id DESC LIMIT ?`).all(limit) as LogImportRecord[];
}
