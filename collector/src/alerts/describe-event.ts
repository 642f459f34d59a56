// Control characters are exactly what this looks for.
// eslint-disable-next-line no-control-regex
const needsCleaning = /[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|\s\s|^\s|\s$/;

/** Keeps untrusted text from a PC short, with its control characters visible, before it goes into titles and mails. */
export function cleanText(value: unknown, max = 120): string {
  const raw = String(value ?? '');
  // Most names are clean already: skip the Unicode-property regex (it shows in the rule engine's profile).
  if (raw.length <= max && !needsCleaning.test(raw)) return raw;
  // Line breaks become spaces; every other invisible or direction-changing character is shown as ⟨U+XXXX⟩, so a
  // name like "report\u202Egpj.exe" reads "report⟨U+202E⟩gpj.exe" in titles and mails instead of "reportexe.jpg".
  const text = String(value ?? '').replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/[\p{Cc}\p{Cf}]/gu, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`)
    .replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function baseName(path: unknown): string {
  const text = String(path ?? '');
  return text.split(/[\\/]/).filter(Boolean).at(-1) ?? text;
}

/** What content inspection found, named by its labels ("a personal-data list (10 or more My Numbers)"). */
function findingsOf(kind: string, payload: Record<string, unknown>): string {
  const findings = (kind === 'mail' ? payload.contentFindings : (payload.content as { findings?: unknown } | undefined)?.findings);
  if (!Array.isArray(findings) || findings.length === 0) return '';
  const labels = [...new Set(findings.map((f) => String((f as { label?: unknown }).label ?? '')).filter(Boolean))];
  return labels.length > 0 ? ` — ${labels.join(', ')}` : '';
}

/** A few words saying what one event was, for an alert's title (with content findings, when there are any). */
export function describeEvent(kind: string, payload: Record<string, unknown>): string {
  const what = describeEventBody(kind, payload);
  const found = findingsOf(kind, payload);
  return found ? cleanText(`${what}${found}`, 200) : what;
}

function describeEventBody(kind: string, payload: Record<string, unknown>): string {
  const p = payload as Record<string, unknown> & { device?: Record<string, unknown>; to?: unknown[]; attachments?: unknown[] };
  switch (kind) {
    case 'file_copy':
      return cleanText(`${baseName(p.destinationPath)} → ${p.destinationRoot ?? ''}`);
    case 'print_job':
      return cleanText(`${p.documentName ?? ''} (${p.pages ?? 0} pages on ${p.printer ?? ''})`);
    case 'mail': {
      const to = Array.isArray(p.to) ? p.to.slice(0, 2).join(', ') + (p.to.length > 2 ? ` +${p.to.length - 2}` : '') : '';
      const files = Array.isArray(p.attachments) ? p.attachments.length : 0;
      return cleanText(`to ${to}${files ? `, ${files} attachment${files === 1 ? '' : 's'}` : ''}`);
    }
    case 'upload':
      return cleanText(`${p.fileName ?? ''} → ${p.destinationHost ?? ''}`);
    case 'device':
      return cleanText(`${p.device?.vendor ?? ''} ${p.device?.product ?? ''} ${p.device?.serial ? `(${p.device.serial})` : ''}`);
    case 'lifecycle':
      return cleanText(`${p.kind ?? ''} ${p.detail ?? ''}`);
    case 'policy_decision':
      return cleanText(`${p.decision ?? ''} ${p.detail ?? ''}`);
    default:
      return cleanText(kind);
  }
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
