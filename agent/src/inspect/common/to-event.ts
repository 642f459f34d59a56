import type { ContentFinding as WireFinding, ContentInspection } from '@mamori/proto';
import { severityLevels, type Severity } from '@mamori/policies';
import type { ContentFinding } from './content-rules.ts';
import type { InspectedItemShape, InspectResultShape } from './result-shape.ts';

/** The highest severity among findings, or '' without any. */
export function highestSeverity(findings: readonly { severity: Severity }[]): Severity | '' {
  let best = -1;
  for (const f of findings) best = Math.max(best, severityLevels.indexOf(f.severity));
  return best < 0 ? '' : severityLevels[best]!;
}

export function toWireFinding(finding: ContentFinding): WireFinding {
  return {
    rule: finding.rule, detector: finding.detector, count: finding.count, severity: finding.severity,
    label: finding.label.en, labelJa: finding.label.ja, mailAction: finding.mailAction,
  };
}

/** What an event carries of one inspection (at most `maxItems` nested files listed). */
export function toContentInspection(result: InspectResultShape, maxItems = 200): ContentInspection {
  return {
    status: result.status, reason: result.reason, format: result.format, detectedType: result.detectedType,
    findings: result.findings.map(toWireFinding), severity: highestSeverity(result.findings),
    items: result.items.slice(0, maxItems).map((item: InspectedItemShape) => ({
      path: item.path, detectedType: item.detectedType, declaredType: item.declaredType, sizeBytes: item.sizeBytes,
      sha256: item.sha256, notInspected: item.notInspected,
    })),
    elapsedMs: Math.round(result.elapsedMs),
  };
}
