import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type {
  Alert, AlertCandidate, AlertEventRow, AlertFilter, AlertFindingRow, AlertResolution, AlertSummary, AlertsRepository, BulkAction, DepartmentAlertCounts,
  BulkResult, BulkTarget, LifecycleResult, OfflinePc, RecordedAlert,
} from '../../repositories/alerts.ts';
import type { NotifyTransaction } from '../../repositories/notify.ts';
import { bulkLifecycle } from '../queries/alert-bulk.ts';
import {
  acknowledgeAlert, alertChunks, alertEvents, alertFindings, alertKinds, alertSummary, countAlerts, getAlert, listAlerts, openAlertsByDepartment, recordAlert, resolveAlert,
} from '../queries/alerts.ts';
import { addOfflinePcs, offlinePcsOf } from '../queries/offline-pcs.ts';
import { sqliteNotifyTransaction } from './notify.ts';

export class SqliteAlertsRepository implements AlertsRepository {
  readonly #tx: NotifyTransaction;
  constructor(private readonly db: Database.Database) { this.#tx = sqliteNotifyTransaction(db); }

  async record(candidates: AlertCandidate[], nowMs: number, onRecorded?: (recorded: RecordedAlert, tx: NotifyTransaction) => void): Promise<Alert[]> {
    // One transaction per call (the alert service calls once per ingested batch): a burst that fires on every
    // event costs one commit, and an alert and its queued mails commit together.
    return this.db.transaction(() => candidates.map((candidate) => {
      const recorded = recordAlert(this.db, candidate, nowMs);
      // Offline alerts count distinct PCs (a PC seen again after a restart is not counted twice).
      const alert = candidate.offlinePcs ? addOfflinePcs(this.db, recorded.alert.id, candidate.offlinePcs) : recorded.alert;
      onRecorded?.({ ...recorded, alert }, this.#tx);
      return alert;
    }))();
  }

  async get(id: number): Promise<Alert | undefined> { return getAlert(this.db, id); }
  async list(filter: AlertFilter): Promise<Alert[]> { return listAlerts(this.db, filter); }
  async count(filter: Omit<AlertFilter, 'limit' | 'offset'>): Promise<number> { return countAlerts(this.db, filter); }
  async kinds(): Promise<string[]> { return alertKinds(this.db); }
  async events(alertId: number, limit?: number): Promise<AlertEventRow[]> { return alertEvents(this.db, alertId, limit); }
  async findings(alert: Pick<Alert, 'pc' | 'kind' | 'firstMs' | 'lastMs'>, limit?: number): Promise<AlertFindingRow[]> { return alertFindings(this.db, alert, limit); }
  async acknowledge(id: number, by: string, nowMs: number, note?: string): Promise<LifecycleResult> { return acknowledgeAlert(this.db, id, by, nowMs, note); }
  async resolve(id: number, resolution: AlertResolution, by: string, nowMs: number, note?: string): Promise<LifecycleResult> {
    return resolveAlert(this.db, id, resolution, by, nowMs, note);
  }
  async bulk(target: BulkTarget, action: BulkAction, by: string, nowMs: number, note?: string): Promise<BulkResult> {
    return bulkLifecycle(this.db, target, action, by, nowMs, note);
  }
  async summary(nowMs: number, days: number, utcOffsetMs: number): Promise<AlertSummary> { return alertSummary(this.db, nowMs, days, utcOffsetMs); }
  /** better-sqlite3 is synchronous: each chunk is one keyset query, and the loop yields a turn before the next. */
  async *chunks(filter: Omit<AlertFilter, 'limit' | 'offset'>, chunkRows: number): AsyncIterable<Alert[]> {
    for (const chunk of alertChunks(this.db, filter, chunkRows)) {
      yield chunk;
      await nextTurn();
    }
  }
  async openByDepartment(): Promise<DepartmentAlertCounts[]> { return openAlertsByDepartment(this.db); }
  async offlinePcs(alertId: number, limit?: number): Promise<OfflinePc[]> { return offlinePcsOf(this.db, alertId, limit); }
}
