import { z } from 'zod';
import { decideUpload, type UploadRuleTable } from '@mamori/policies';

/**
 * "Request access" from the browser's block message: the site the file was entering, the employee's reason and
 * the files they were trying to upload. Untrusted like every report from the browser: typed, bounded, strict.
 */
export const UploadAccessReportSchema = z.object({
  /** Host of the frame the file was entering (an iframe's own host, not the tab's). */
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, 'host must be a host name'),
  reason: z.string().max(1000),
  files: z.array(z.object({ name: z.string().min(1).max(1024), size: z.number().int().min(0).max(2 ** 53 - 1) }).strict()).max(100).default([]),
}).strict();
export type UploadAccessReport = z.infer<typeof UploadAccessReportSchema>;

/** What the agent asks the collector for: the destination as the agent's own policy sees it. */
export interface UploadAccessAsk {
  host: string;
  /** The policy's domain entry that matched the host (what an exception names), else the host itself. */
  domain: string;
  category: string;
  fileNames: string[];
  /** The agent's rule that blocks or warns here. */
  rule: string;
}

/**
 * Judges a request with the agent's rules, not the browser's word: only a destination this PC's policy blocks
 * or warns can be asked for, and the domain an approval would name is the policy's own entry (so an exception
 * for "gigafile.nu" also covers the upload host "46.gigafile.nu" the same site posts to).
 */
export function judgeUploadAccess(report: UploadAccessReport, table: UploadRuleTable, nowMs: number): UploadAccessAsk | { refused: string } {
  const host = report.host.toLowerCase().replace(/\.$/, '');
  const decision = decideUpload(table, host, nowMs);
  if (decision.mode !== 'block' && decision.mode !== 'warn') {
    return { refused: `uploads to ${host} are not blocked on this PC (${decision.rule})` };
  }
  const domain = longestMatch(host, Object.keys(table.domainModes)) ?? longestMatch(host, table.categories[decision.category] ?? []) ?? host;
  return { host, domain, category: decision.category, fileNames: report.files.map((f) => f.name), rule: decision.rule };
}

function longestMatch(host: string, domains: Iterable<string>): string | undefined {
  let best = '';
  for (const domain of domains) {
    if ((host === domain || host.endsWith(`.${domain}`)) && domain.length > best.length) best = domain;
  }
  return best || undefined;
}
