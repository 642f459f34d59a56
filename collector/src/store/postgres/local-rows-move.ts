import { existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { CollectorError } from '../../errors.ts';

/** What moveLocalRows found in the file and how many rows PostgreSQL did not hold yet. */
export interface LocalRowsMoved {
  /** The file the rows came from, and the marker that says so (undefined: it could not be written; see `markerError`). */
  from: string;
  marker: string | undefined;
  markerError?: string;
  read: { uploadExceptions: number; digestSubscriptions: number; digestRuns: number };
  inserted: { uploadExceptions: number; digestSubscriptions: number; digestRuns: number };
}

/**
 * Written beside the data dir's SQLite file once its rows are in PostgreSQL: while it exists the file is not opened
 * again. A marker rather than a rename: after `migrate-store` the file is the deployment's whole former store, which
 * stays where the admin knows it (and where `migrate-store` looks by default).
 */
export const movedMarkerSuffix = '.rows-moved-to-postgresql';

interface UploadExceptionRow {
  id: string; pc: string; user_name: string | null; category: string | null; domain: string | null; until_ms: number;
  reason: string; created_by: string; created_ms: number; revoked_ms: number | null; revoked_by: string | null;
}
interface SubscriptionRow { email: string; department: string; created_by: string; created_ms: number }
interface RunRow { local_date: string; queued_ms: number; mails: number }

/** Rows of `table` if the file has that table (a file older than the table's migration has none). */
function rowsOf<T>(db: Database.Database, table: string, sql: string): T[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  return exists ? db.prepare(sql).all() as T[] : [];
}

/**
 * Before issue 14, a PostgreSQL collector kept upload exceptions and its risk digest (subscribers, days queued) in the
 * data dir's SQLite file; a deployment upgrading holds those rows only there. This moves them into PostgreSQL once:
 * every row in one transaction, `ON CONFLICT DO NOTHING` (a row already there — copied by `migrate-store`, or moved
 * by a crashed earlier start or by another collector started from a copy of this data dir — stays as it is, so the
 * move is idempotent), with a change row per PC whose exceptions were inserted, so every collector pushes those PCs'
 * policy. Then a marker is written beside the file (`collector.db.rows-moved-to-postgresql`, with what was moved), so
 * no later start opens it. Returns undefined when there is no file or it was moved before. The file is opened without
 * the store's migrations: only read, whatever its age.
 */
export async function moveLocalRows(pool: pg.Pool, file: string): Promise<LocalRowsMoved | undefined> {
  const marker = `${file}${movedMarkerSuffix}`;
  if (!existsSync(file) || existsSync(marker)) return undefined;
  let exceptions: UploadExceptionRow[];
  let subscriptions: SubscriptionRow[];
  let runs: RunRow[];
  try {
    // Read-write, not read-only: a write-ahead log left by a collector that died is taken in, and closing checkpoints it.
    const db = new Database(file, { fileMustExist: true });
    try {
      exceptions = rowsOf(db, 'upload_exceptions', `SELECT id, pc, user_name, category, domain, until_ms, reason, created_by, created_ms, revoked_ms, revoked_by
        FROM upload_exceptions ORDER BY created_ms, id`);
      subscriptions = rowsOf(db, 'risk_digest_subscriptions', 'SELECT email, department, created_by, created_ms FROM risk_digest_subscriptions ORDER BY created_ms, email');
      runs = rowsOf(db, 'risk_digest_runs', 'SELECT local_date, queued_ms, mails FROM risk_digest_runs ORDER BY local_date');
    } finally {
      db.close();
    }
  } catch (error) {
    throw new CollectorError('COLLECTOR_MIGRATE_SOURCE', `${file} (an older version's upload exceptions and risk digest, to move into PostgreSQL): `
      + `${(error as Error).message}; move the file out of the data dir to start without them`, { cause: error });
  }
  const inserted = { uploadExceptions: 0, digestSubscriptions: 0, digestRuns: 0 };
  if (exceptions.length + subscriptions.length + runs.length > 0) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const pcs = new Set<string>();
      for (const e of exceptions) {
        const result = await client.query(`INSERT INTO upload_exceptions (id, pc, user_name, category, domain, until_ms, reason, created_by, created_ms, revoked_ms, revoked_by)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
        [e.id, e.pc, e.user_name, e.category, e.domain, e.until_ms, e.reason, e.created_by, e.created_ms, e.revoked_ms, e.revoked_by]);
        if (result.rowCount === 1) {
          inserted.uploadExceptions += 1;
          pcs.add(e.pc);
        }
      }
      // The change rows' trigger NOTIFYs at commit: every collector's pusher sends those PCs their policy.
      for (const pc of pcs) await client.query('INSERT INTO upload_exception_changes (pc) VALUES ($1)', [pc]);
      for (const s of subscriptions) {
        const result = await client.query('INSERT INTO risk_digest_subscriptions (email, department, created_by, created_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [s.email, s.department, s.created_by, s.created_ms]);
        inserted.digestSubscriptions += result.rowCount ?? 0;
      }
      for (const r of runs) {
        const result = await client.query('INSERT INTO risk_digest_runs (local_date, queued_ms, mails) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [r.local_date, r.queued_ms, r.mails]);
        inserted.digestRuns += result.rowCount ?? 0;
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  const read = { uploadExceptions: exceptions.length, digestSubscriptions: subscriptions.length, digestRuns: runs.length };
  try {
    writeFileSync(marker, `${JSON.stringify({ movedMs: Date.now(), read, inserted })}\n`, { mode: 0o600 });
    return { from: file, marker, read, inserted };
  } catch (error) {
    // Committed already: the next start reads the file again and inserts nothing (every row is there).
    return { from: file, marker: undefined, markerError: (error as Error).message, read, inserted };
  }
}
