import type { PolicySet } from '@mamori/policies';
import type { ReportsRepository } from '../store/repositories/reports.ts';
import { computeReport, type ReportData } from './compute.ts';
import { renderReportCsv } from './render-csv.ts';

/** What a report's queries and rendering hand back to be stored: the files and the numbers stored beside them. */
export interface BuiltReport {
  pdf: Buffer;
  csv: Buffer;
  scope: ReportData['scope'];
  totals: Record<string, number | null>;
  coveredActors: string[];
  timings: Record<string, number>;
}

export interface BuildRequest {
  policy: PolicySet;
  template: string;
  fromMs: number;
  toMs: number;
  generatedMs: number;
  fontPath: string;
}

/** Computes a report's items and renders its PDF and CSV (the heavy part; no writes). */
export async function buildReportFiles(reports: ReportsRepository, request: BuildRequest): Promise<BuiltReport> {
  const template = request.policy.reports.templates[request.template]!;
  const data = await computeReport(reports, request.policy, request.template, template, request, request.generatedMs);
  // Loaded on first use: pdfkit is a side bundle beside the single executable (it reads its data files from disk).
  const { renderReportPdf } = await import('./render-pdf.ts');
  const pdf = await renderReportPdf(data, request.fontPath, template.top);
  const csv = renderReportCsv(data);
  return {
    pdf, csv, scope: data.scope, totals: Object.fromEntries(data.items.map((i) => [i.item, i.total])), coveredActors: data.coveredActors, timings: data.timings,
  };
}
