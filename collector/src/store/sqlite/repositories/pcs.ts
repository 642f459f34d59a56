import type Database from 'better-sqlite3';
import type { HistoryCursor, HistoryRow, NotReportingPc, PcRow, PcsRepository } from '../../repositories/pcs.ts';
import { notReportingPcs } from '../queries/offline-pcs.ts';
import { currentUnlockKey, getPc, historyPage, historyWindow, latestInventory, listPcs, pcsWithActiveExceptions } from '../queries/pcs.ts';

export class SqlitePcsRepository implements PcsRepository {
  constructor(private readonly db: Database.Database) {}
  async list(): Promise<PcRow[]> { return listPcs(this.db); }
  async get(pc: string): Promise<PcRow | undefined> { return getPc(this.db, pc); }
  async historyPage(pc: string, options: { before?: HistoryCursor; kinds?: string[]; limit: number }): Promise<HistoryRow[]> { return historyPage(this.db, pc, options); }
  async historyWindow(pc: string, fromMs: number, toMs: number, limit: number): Promise<HistoryRow[]> { return historyWindow(this.db, pc, fromMs, toMs, limit); }
  async latestInventory(pc: string): Promise<HistoryRow | undefined> { return latestInventory(this.db, pc); }
  async currentUnlockKey(pc: string): Promise<Buffer | undefined> { return currentUnlockKey(this.db, pc); }
  async withActiveExceptions(nowMs: number): Promise<Set<string>> { return pcsWithActiveExceptions(this.db, nowMs); }
  async notReporting(beforeMs: number): Promise<NotReportingPc[]> { return notReportingPcs(this.db, beforeMs); }
}
