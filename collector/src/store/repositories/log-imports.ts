/** One row to store: its fingerprint (for de-duplication), envelope, and its event bytes made for a given seq. */
export interface ImportRow {
  fingerprint: Buffer;
  timeMs: number;
  pc: string;
  user: string;
  encode(seq: number): Buffer;
}

export interface ImportResult {
  importId: number;
  rowsNew: number;
  rowsDuplicate: number;
  firstSeq: number | null;
  lastSeq: number | null;
}

export interface LogImportRecord {
  id: number;
  mapping: string;
  eventKind: string;
  fileName: string;
  fileSha256: string;
  rowsTotal: number;
  rowsNew: number;
  rowsDuplicate: number;
  rowsRejected: number;
  firstSeq: number | null;
  lastSeq: number | null;
  importedMs: number;
  actor: string;
}
/** The agent id imported rows are stored under: one hash chain per mapping. */
export const importAgentId = (mapping: string): string => `import:${mapping}`;

/** What one imported file stores. */
export interface ImportInput {
  mapping: string; eventKind: string; fileName: string; fileSha256: string; rowsTotal: number; rowsRejected: number;
  rows: ImportRow[]; actor: string; nowMs: number;
}

/** Logs imported from other systems' files, stored as hash-chained events. */
export interface LogImportsRepository {
  /**
   * Stores a file's mapped rows as events in one transaction: rows already imported (same fingerprint) are
   * skipped, the rest chained after the mapping's last event, and the import itself recorded. All or nothing.
   */
  store(input: ImportInput): Promise<ImportResult>;
  /** Imports, newest first. */
  list(limit: number): Promise<LogImportRecord[]>;
}
