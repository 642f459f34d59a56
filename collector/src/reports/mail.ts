import { randomUUID } from 'node:crypto';
import { domainOf } from '../alerts/allow-list.ts';
import type { NotifyRepository } from '../store/repositories/notify.ts';
import type { ReportRecord } from '../store/repositories/reports.ts';
import { itemLabels } from './items.ts';
import { formatPeriod } from './format.ts';

/**
 * Queues a report's mail for each recipient in the collector's outbox (the alert mails' path: retried until the
 * SMTP server accepts it, never sent twice), with the PDF and CSV attached and their SHA-256 in the body so the
 * recipient can match them with the audit chain. Returns the outbox ids.
 */
export async function queueReportMail(
  notify: NotifyRepository, report: ReportRecord, files: { pdf: Buffer; csv: Buffer }, recipients: string[],
  options: { from: string; publicUrl: string; nowMs: number },
): Promise<number[]> {
  if (recipients.length === 0) return [];
  const period = formatPeriod(report);
  const subject = `[Mamori] ${report.title} ${period}`;
  const lines = [
    `${report.title}`,
    `期間 Period: ${period} (${report.timezone})`,
    `範囲 Scope: ${report.scope.description}`,
    '',
    ...report.items.map((item) => {
      const labels = itemLabels[item as keyof typeof itemLabels];
      const total = report.totals[item];
      return `- ${labels?.ja ?? item}: ${total === null || total === undefined ? '未算出 (not computed)' : total.toLocaleString('en-US')}`;
    }),
    '',
    `PDF SHA-256: ${report.pdfSha256}`,
    `CSV SHA-256: ${report.csvSha256}`,
    `監査ログ Audit entry: #${report.auditId}`,
    `Open: ${options.publicUrl.replace(/\/+$/, '')}/reports/${report.id}`,
  ];
  const base = `report-${report.id}-${report.template}`;
  const domain = domainOf(options.from) || 'mamori.invalid';
  const attachments = [
    { fileName: `${base}.pdf`, contentType: 'application/pdf', content: files.pdf },
    { fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8', content: files.csv },
  ];
  return notify.addToOutbox(recipients.map((recipient) => ({
    mail: {
      recipient, kind: 'digest', subject, body: `${lines.join('\n')}\n`, alertIds: [], createdMs: options.nowMs,
      messageId: `<${randomUUID()}@${domain}>`,
    },
    attachments,
  })));
}
