import { normalizeMailText } from '../sqlite/indexers/mail-text.ts';

/**
 * What `migrate-store` does with every table of the SQLite store, as data: copied into PostgreSQL (in this order:
 * a table comes after the tables its foreign keys name), kept local, or not data at all. A SQLite table that is in
 * none of these lists makes the copy refuse to start (table-plan.test.ts checks the lists against both schemas), so
 * a table added later is never left behind silently. To copy a table that gains a PostgreSQL home, move it from
 * `localTables` to `copiedTables`; columns present on both sides are copied by name with no further entry.
 */

/** A SQLite row as better-sqlite3 returns it. */
export type SourceRow = Record<string, unknown>;

export interface TableCopy {
  /** The table's name, the same in both stores. */
  table: string;
  /**
   * SQLite columns with no PostgreSQL column, each with why dropping it loses nothing. A SQLite column neither
   * copied nor listed here refuses the copy. Once PostgreSQL gains the column it is copied and the entry is moot.
   */
  sourceOnly?: Record<string, string>;
  /** PostgreSQL columns computed from the SQLite row (they have no SQLite column of the same name). */
  derived?: Record<string, (row: SourceRow) => unknown>;
}

/** Columns whose names are reserved words in PostgreSQL, renamed there (store/postgres/migrations/0001). */
export const renamedColumns: Readonly<Record<string, string>> = { user: 'user_name', current_user: 'current_user_name' };

/**
 * Copied row for row, keys kept: event ids, alert ids, mail ids… stay what they were, so every reference between
 * tables (alert_events, query tables' event_id) still points at the same row.
 * The query tables are copied rather than re-projected: access requests carry decisions and delivery times that are
 * not in the evidence, and re-projecting would hand every old event to the alert rules again.
 */
export const copiedTables: readonly TableCopy[] = [
  // Evidence and enrollment.
  { table: 'agents' },
  { table: 'enrollment_tokens' },
  { table: 'events' },
  { table: 'batches' },
  { table: 'seal_seeds' },
  { table: 'seal_closes' },
  { table: 'integrity_findings' },
  { table: 'quarantined_batches' },
  { table: 'quarantined_events' },
  { table: 'chain_segments' },
  // Administration.
  { table: 'users' },
  { table: 'audit_log' },
  { table: 'policy_versions' },
  { table: 'device_exceptions' },
  { table: 'device_exception_revocations' },
  { table: 'collector_settings' },
  { table: 'pc_directory' },
  { table: 'saved_alert_filters' },
  { table: 'sensor_degradations' },
  { table: 'extension_health' },
  // Query tables (what the projector filled from the events above).
  { table: 'log_entries' },
  { table: 'device_events' },
  { table: 'file_copies' },
  { table: 'print_jobs' },
  { table: 'access_requests' },
  {
    table: 'mails',
    sourceOnly: { attachment_names: 'PostgreSQL searches search_text, which holds the attachment names (derived below)' },
    derived: { search_text: (row) => mailSearchText(row) },
  },
  { table: 'mail_attachments' },
  { table: 'uploads' },
  { table: 'log_imports' },
  { table: 'imported_rows' },
  // Alerts and notification.
  {
    table: 'alerts',
    sourceOnly: {
      title_message: 'the title as a translatable message (issue 1320); PostgreSQL alerts keep the rendered title, which is copied',
    },
  },
  { table: 'alert_events' },
  { table: 'alert_offline_pcs' },
  { table: 'notify_queue' },
  { table: 'notify_outbox' },
  { table: 'notify_outbox_attachments' },
  // Export cursors. siem_cursors moves from an event id to an export_order position (postgres-copy-target.ts).
  {
    table: 'siem_cursors',
    sourceOnly: { event_id: 'becomes position, the export_order position of the last event the sink exported' },
    // The event id goes in as it is and becomes a position once export_order is filled (PostgresTarget.carrySiemCursors).
    derived: { position: (row) => row.event_id },
  },
  { table: 'siem_record_cursors' },
  // Risk: what people entered or were given (the pseudonym key, reveals, suppressions, attendance, departures).
  // The scores themselves are not copied: see notDataTables.
  { table: 'risk_secret', sourceOnly: { id: 'the single-row key; PostgreSQL marks its one row with only_row instead' } },
  { table: 'risk_reveals' },
  { table: 'risk_suppressions' },
  { table: 'risk_attendance' },
  { table: 'risk_departing' },
  { table: 'risk_digest_subscriptions' },
  { table: 'risk_digest_runs' },
  // Reports with their files and the review records auditors show, and the schedule's next periods.
  { table: 'reports' },
  { table: 'report_files' },
  { table: 'report_reviews' },
  { table: 'report_schedule' },
  // Upload exceptions with their change log (the pushers' cursors start from the copied seq, so nothing re-pushes).
  { table: 'upload_exceptions' },
  { table: 'upload_exception_changes' },
];

/**
 * Tables with no PostgreSQL home yet: on PostgreSQL the collector would keep using them in the data dir's SQLite file,
 * which is the file migrated from, so they would stay where they are. None since issue 14 (the risk digest and upload
 * exceptions moved to PostgreSQL); a table listed here needs its repository served from that file again.
 */
export const localTables: Readonly<Record<string, string>> = {};

/** SQLite tables that hold no data of their own, by name or prefix. */
export const notDataTables: readonly { name: string; prefix?: boolean; why: string }[] = [
  { name: 'schema_migrations', why: 'each store has its own migrations' },
  { name: 'sqlite_', prefix: true, why: "SQLite's own bookkeeping" },
  { name: 'meta', why: "holds SQLite's projection cursor, carried over as PostgreSQL's projection_cursor" },
  { name: 'log_entries_fts', prefix: true, why: "SQLite's full-text index of log_entries; PostgreSQL indexes log_entries itself (pg_trgm)" },
  { name: 'risk_cursor', why: 'derived: the risk scorer on PostgreSQL scores the copied events again from the start (its cursor is an export_order position there, not an event id)' },
  { name: 'risk_observations', why: 'derived from the events: scored again on PostgreSQL (see risk_cursor)' },
  { name: 'risk_person_days', why: 'derived from the events: scored again on PostgreSQL (see risk_cursor)' },
  { name: 'risk_pc_days', why: 'derived from the events: scored again on PostgreSQL (see risk_cursor)' },
  { name: 'mails_fts', prefix: true, why: "SQLite's full-text index of mails; PostgreSQL indexes mails.search_text (pg_trgm)" },
];

/** How a SQLite table is handled: 'copied', 'local' or 'not-data'; undefined when no list names it. */
export function planFor(table: string): 'copied' | 'local' | 'not-data' | undefined {
  if (copiedTables.some((t) => t.table === table)) return 'copied';
  if (table in localTables) return 'local';
  if (notDataTables.some((t) => (t.prefix ? table.startsWith(t.name) : table === t.name))) return 'not-data';
  return undefined;
}

/** search_text as PostgreSQL's projector writes it (postgres/mails.ts), from the SQLite row's columns. */
function mailSearchText(row: SourceRow): string {
  const list = (json: unknown) => {
    try {
      const parsed = JSON.parse(String(json ?? '[]')) as unknown;
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      return [];
    }
  };
  return normalizeMailText([
    row.subject, row.body_excerpt, row.sender, ...list(row.to_json), ...list(row.cc_json), ...list(row.bcc_json), row.attachment_names ?? '',
  ].map((part) => String(part ?? '')).join('\n'));
}
