import type Database from 'better-sqlite3';
import type { PolicySet, ReportItem, ReportTemplate } from '@mamori/policies';
import { compileAllowList } from '../alerts/allow-list.ts';
import {
  adminActions, blockedAttempts, contentFindings, externalMailWithAttachments, knownPcs, largePrints, offHoursActivity,
  personalStorageUploads, prepareReportScope, reportBucketMs, tamperAndStops, usbUse, type ItemQueryResult, type ReportRow,
} from '../store/sqlite/queries/reports.ts';
import { localDays } from './periods.ts';
import { offHoursIntervals, resolveScope } from './scope.ts';

/** One inspection item's result. `available: false` means Mamori has no data of that kind (risk scores). */
export interface ItemResult {
  item: ReportItem;
  available: boolean;
  total: number | null;
  rows: ReportRow[];
  /** Per local day of the period, the item's events (for the charts). */
  daily: number[];
}

/** Everything a report shows, before it is rendered as PDF and CSV. */
export interface ReportData {
  template: string;
  title: string;
  fromMs: number;
  toMs: number;
  timezone: string;
  scope: { description: string; pcCount: number | null };
  days: string[];
  items: ItemResult[];
  /** Audit actors whose actions the report lists (empty unless it has admin_actions). */
  coveredActors: string[];
  largePrintPages: number;
  generatedMs: number;
  /** Milliseconds each item's queries took (for the benchmark and slow-report diagnosis). */
  timings: Record<string, number>;
}

// One report at a time per connection: the scope lives in that connection's temp tables.
const running = new WeakMap<Database.Database, Promise<unknown>>();

/**
 * Computes a report's items over [fromMs, toMs) for the template's PCs. Items run one after another with a turn of
 * the event loop between them, so ingest and the API are held up for one item's queries at a time, not the whole
 * report; reports on the same connection wait for each other (the scope is in per-connection temp tables, which
 * nothing else uses).
 */
export function computeReport(
  db: Database.Database, policy: PolicySet, name: string, template: ReportTemplate, range: { fromMs: number; toMs: number }, generatedMs: number,
): Promise<ReportData> {
  const previous = running.get(db) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => computeNow(db, policy, name, template, range, generatedMs));
  running.set(db, mine);
  return mine;
}

async function computeNow(
  db: Database.Database, policy: PolicySet, name: string, template: ReportTemplate, range: { fromMs: number; toMs: number }, generatedMs: number,
): Promise<ReportData> {
  const scope = resolveScope(template.scope, policy, knownPcs(db));
  // A month of a large site's rows is read once per item: a bigger page cache for this run spares re-reading
  // pages from the OS (restored afterwards; the collector's other work keeps SQLite's default).
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -131072');
  try {
    return await computeWithScope(db, policy, name, template, range, generatedMs, scope);
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
  }
}

async function computeWithScope(
  db: Database.Database, policy: PolicySet, name: string, template: ReportTemplate, range: { fromMs: number; toMs: number }, generatedMs: number,
  scope: ReturnType<typeof resolveScope>,
): Promise<ReportData> {
  const days = localDays(range.fromMs, range.toMs, template.timezone);
  prepareReportScope(db, scope.pcs, offHoursIntervals(policy, days));
  // Without a template threshold or a print policy one, 50 pages: the shipped per-job threshold.
  const largePrintPages = template.large_print_pages ?? policy.print.per_job?.pages ?? 50;
  const internal = compileAllowList('domains', policy.mail.internal_domains);
  const anyExternal = (json: string) => (JSON.parse(json) as string[]).some((address) => !internal(address));
  // People mail the same recipients again and again: remember each recipient list's answer (bounded).
  const seen = new Map<string, boolean>();
  const isExternal = (to: string, cc: string, bcc: string) => {
    const key = `${to}\u0000${cc}\u0000${bcc}`;
    let answer = seen.get(key);
    if (answer === undefined) {
      answer = anyExternal(to) || anyExternal(cc) || anyExternal(bcc);
      if (seen.size < 100_000) seen.set(key, answer);
    }
    return answer;
  };
  const run = (item: ReportItem): ItemQueryResult | undefined => {
    switch (item) {
      case 'usb_use': return usbUse(db, range, scope.pcs);
      case 'blocked_attempts': return blockedAttempts(db, range, scope.pcs);
      case 'off_hours': return offHoursActivity(db, range, scope.pcs, days.length);
      case 'external_mail_attachments': return externalMailWithAttachments(db, range, scope.pcs, isExternal);
      case 'personal_storage_uploads': return personalStorageUploads(db, range, scope.pcs);
      case 'large_prints': return largePrints(db, range, scope.pcs, largePrintPages);
      case 'content_findings': return contentFindings(db, range, scope.pcs);
      case 'risk_scores': return undefined;
      case 'tamper_and_stops': return tamperAndStops(db, range, scope.pcs);
      case 'admin_actions': return adminActions(db, range);
    }
  };
  const timings: Record<string, number> = {};
  const items: ItemResult[] = [];
  for (const item of template.items) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const started = performance.now();
    const result = run(item);
    timings[item] = Math.round(performance.now() - started);
    if (!result) {
      items.push({ item, available: false, total: null, rows: [], daily: days.map(() => 0) });
      continue;
    }
    const daily = 'daily' in result && Array.isArray(result.daily) ? result.daily as number[] : perDay(result.buckets, days);
    items.push({ item, available: true, total: result.total, rows: result.rows, daily });
  }
  const admin = items.find((i) => i.item === 'admin_actions');
  return {
    template: name, title: template.title, fromMs: range.fromMs, toMs: range.toMs, timezone: template.timezone,
    scope: { description: scope.description, pcCount: scope.pcCount }, days: days.map((d) => d.date), items,
    coveredActors: admin ? [...new Set(admin.rows.map((r) => r.user))].sort() : [], largePrintPages, generatedMs, timings,
  };
}

function perDay(buckets: Map<number, number>, days: { fromMs: number; toMs: number }[]): number[] {
  const counts = days.map(() => 0);
  for (const [bucket, n] of buckets) {
    const at = bucket * reportBucketMs;
    const i = days.findIndex((d) => at >= d.fromMs && at < d.toMs);
    if (i >= 0) counts[i]! += n;
  }
  return counts;
}
