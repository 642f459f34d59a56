import type Database from 'better-sqlite3';
import type { PrintJobRow, PrintJobSearch, PrintRepository, PrintTotalsRow } from '../../repositories/print.ts';
import { printTotals, searchPrintJobs } from '../queries/print.ts';

export class SqlitePrintRepository implements PrintRepository {
  constructor(private readonly db: Database.Database) {}
  async search(search: PrintJobSearch): Promise<PrintJobRow[]> { return searchPrintJobs(this.db, search); }
  async totals(fromMs: number, toMs: number): Promise<PrintTotalsRow[]> { return printTotals(this.db, fromMs, toMs); }
}
