import type { PolicySet, ReportItem, ReportTemplate } from '@mamori/policies';
import { compileAllowList } from '../alerts/allow-list.ts';
import {
  reportBucketMs, type ItemQueryResult, type ReportItemQueries, type ReportRow, type ReportsRepository,
} from '../store/repositories/reports.ts';
import { localDays } from './periods.ts';
import { riskScoresItem } from './risk-item.ts';
import { offHoursIntervals, resolveScope } from './scope.ts';

/** One inspection item's result. `available: false` means Mamori has no data of that kind (risk scoring switched off). */
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

/**
 * Computes a report's items over [fromMs, toMs) for the template's PCs. Items run one after another with a turn of
 * the event loop between them, so ingest and the API are held up for one item's queries at a time, not the whole
 * report; reports wait for each other (the repository prepares one scope at a time).
 */
export async function computeReport(
  reports: ReportsRepository, policy: PolicySet, name: string, template: ReportTemplate, range: { fromMs: number; toMs: number }, generatedMs: number,
): Promise<ReportData> {
  const scope = resolveScope(template.scope, policy, await reports.knownPcs());
  const days = localDays(range.fromMs, range.toMs, template.timezone);
  return reports.withScope(scope.pcs, offHoursIntervals(policy, days), (queries) => computeWithScope(queries, policy, name, template, range, generatedMs, scope, days));
}

async function computeWithScope(
  queries: ReportItemQueries, policy: PolicySet, name: string, template: ReportTemplate, range: { fromMs: number; toMs: number }, generatedMs: number,
  scope: ReturnType<typeof resolveScope>, days: ReturnType<typeof localDays>,
): Promise<ReportData> {
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
  const run = async (item: ReportItem): Promise<ItemQueryResult | undefined> => {
    switch (item) {
      case 'usb_use': return queries.usbUse(range);
      case 'blocked_attempts': return queries.blockedAttempts(range);
      case 'off_hours': return queries.offHoursActivity(range, days.length);
      case 'external_mail_attachments': return queries.externalMailWithAttachments(range, isExternal);
      case 'personal_storage_uploads': return queries.personalStorageUploads(range);
      case 'large_prints': return queries.largePrints(range, largePrintPages);
      case 'content_findings': return queries.contentFindings(range);
      case 'risk_scores': return riskScoresItem(queries, policy, template, days);
      case 'tamper_and_stops': return queries.tamperAndStops(range);
      case 'admin_actions': return queries.adminActions(range);
    }
  };
  const timings: Record<string, number> = {};
  const items: ItemResult[] = [];
  for (const item of template.items) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const started = performance.now();
    const result = await run(item);
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
