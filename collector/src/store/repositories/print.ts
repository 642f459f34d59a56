export interface PrintJobRow {
  id: number;
  eventId: number;
  agentId: string;
  pc: string;
  seq: number;
  timeMs: number;
  spooler: string;
  jobId: number;
  documentName: string;
  printer: string;
  jobUser: string;
  pages: number;
  copies: number;
  sheets: number;
  sizeBytes: number;
  submittedMs: number;
  completedMs: number;
  state: string;
  action: string;
  rule: string;
}

export interface PrintJobSearch {
  /** Words that must all appear in the document name (case-insensitive for ASCII, literal otherwise). */
  text?: string;
  user?: string;
  printer?: string;
  pc?: string;
  /** Only jobs of at least this many pages (impressions). */
  minPages?: number;
  /** Only jobs policy acted on this way: logged, alerted, held, cancelled. */
  action?: string;
  fromMs?: number;
  toMs?: number;
  /** Page backwards: only rows with id below this. */
  beforeId?: number;
  limit?: number;
}

export interface PrintTotalsRow {
  jobUser: string;
  pc: string;
  jobs: number;
  pages: number;
  sheets: number;
  /** Jobs policy alerted on, held or cancelled. */
  flagged: number;
}
/** Print jobs. */
export interface PrintRepository {
  /** One page of print jobs matching a search, newest first. */
  search(search: PrintJobSearch): Promise<PrintJobRow[]>;
  /** Who printed how much in [fromMs, toMs): one row per user and PC, most pages first. */
  totals(fromMs: number, toMs: number): Promise<PrintTotalsRow[]>;
}
