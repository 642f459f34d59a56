import { createHash } from 'node:crypto';
import type { PolicySet } from '@mamori/policies';
import { CollectorError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Repositories } from '../store/repositories/index.ts';
import type { ReportRecord } from '../store/repositories/reports.ts';
import { buildReportOffThread } from './build-off-thread.ts';
import { findJapaneseFont } from './fonts.ts';
import { queueReportMail } from './mail.ts';

export interface ReportContext {
  repos: Repositories;
  store: Store;
  policy: () => PolicySet;
  now: () => number;
  /** A Japanese TrueType font; the Debian IPAex/IPA Gothic fonts are found on their own. */
  fontPath?: string | undefined;
  mail: { from: string; publicUrl: () => string };
}

export interface GenerateRequest {
  template: string;
  fromMs: number;
  toMs: number;
  periodKind: 'weekly' | 'monthly' | 'on_demand';
  /** Who asked: a user name, "cli" or "system:scheduler". */
  actor: string;
  /** For scheduled runs: the template's next period start, stored with the report in one transaction. */
  nextFromMs?: number;
  /** Told how long each item's queries took (ms), e.g. by the benchmark. */
  onTimings?: (timings: Record<string, number>) => void;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Makes one report: computes its items, renders PDF and CSV, stores the report, writes its SHA-256 to the audit
 * chain and queues its mail. Returns undefined when a scheduled report for that period already exists (then
 * nothing is audited or mailed).
 */
export async function generateReport(context: ReportContext, request: GenerateRequest): Promise<ReportRecord | undefined> {
  const policy = context.policy();
  const template = policy.reports.templates[request.template];
  if (!template) {
    const known = Object.keys(policy.reports.templates);
    throw new CollectorError('COLLECTOR_REPORT_TEMPLATE', `"${request.template}" (templates: ${known.join(', ') || 'none'})`);
  }
  if (!(request.toMs > request.fromMs)) throw new CollectorError('COLLECTOR_QUERY_INVALID', 'the report period must end after it starts');
  const fontPath = findJapaneseFont(context.fontPath);
  const generatedMs = context.now();
  // Queries and rendering on a worker thread; storing, the audit entry and the mail here, on the store's connection.
  const data = await buildReportOffThread(context.repos.reports, { policy, template: request.template, fromMs: request.fromMs, toMs: request.toMs, generatedMs, fontPath });
  request.onTimings?.(data.timings);
  const { pdf, csv, totals } = data;
  const hashes = { pdfSha256: sha256(pdf), csvSha256: sha256(csv) };
  const id = await context.repos.reports.insert({
    template: request.template, title: template.title, periodKind: request.periodKind, fromMs: request.fromMs, toMs: request.toMs,
    timezone: template.timezone, scope: data.scope, items: template.items, totals, coveredActors: data.coveredActors, generatedMs,
    generatedBy: request.actor, ...hashes,
  }, { pdf, csv }, request.nextFromMs);
  if (id === undefined) return undefined;
  const audit = await context.store.appendAudit({
    timeMs: generatedMs, actor: request.actor, action: 'report.generate',
    entry: {
      reportId: id, template: request.template, periodKind: request.periodKind, fromMs: request.fromMs, toMs: request.toMs, scope: data.scope.description,
      ...hashes, totals,
    },
  });
  await context.repos.reports.setAudit(id, audit.id);
  const report = (await context.repos.reports.get(id))!;
  await queueReportMail(context.repos.notify, report, { pdf, csv }, template.recipients, { from: context.mail.from, publicUrl: context.mail.publicUrl(), nowMs: generatedMs });
  return report;
}
