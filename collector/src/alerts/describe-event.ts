import type { Message } from '../i18n/messages.ts';
import { translate } from '../i18n/translate.ts';

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
  return labels.join(', ');
}

/** A few words saying what one event was, for an alert's title (with content findings, when there are any). */
export function describeEvent(kind: string, payload: Record<string, unknown>): string {
  return cleanText(translate('en', describeEventMessage(kind, payload)), 200);
}

/** The same as data (message key + cleaned parameters), so each reader gets it in their language. */
export function describeEventMessage(kind: string, payload: Record<string, unknown>): Message {
  const what = describeEventBody(kind, payload);
  const found = findingsOf(kind, payload);
  return found ? { key: 'event.findings', params: { what, findings: cleanText(found, 160) } } : what;
}

function describeEventBody(kind: string, payload: Record<string, unknown>): Message {
  const p = payload as Record<string, unknown> & { device?: Record<string, unknown>; to?: unknown[]; attachments?: unknown[] };
  switch (kind) {
    case 'file_copy':
      return { key: 'event.file_copy', params: { file: cleanText(baseName(p.destinationPath)), root: cleanText(p.destinationRoot) } };
    case 'print_job':
      return { key: 'event.print_job', params: { document: cleanText(p.documentName), pages: Number(p.pages ?? 0) || 0, printer: cleanText(p.printer) } };
    case 'mail': {
      const to = cleanText(Array.isArray(p.to) ? p.to.slice(0, 2).join(', ') + (p.to.length > 2 ? ` +${p.to.length - 2}` : '') : '');
      const files = Array.isArray(p.attachments) ? p.attachments.length : 0;
      return files === 0 ? { key: 'event.mail', params: { to } } : { key: files === 1 ? 'event.mailAttachment' : 'event.mailAttachments', params: { to, files } };
    }
    case 'upload':
      return { key: 'event.upload', params: { file: cleanText(p.fileName), host: cleanText(p.destinationHost) } };
    case 'device':
      return { key: 'event.device', params: { device: cleanText(`${p.device?.vendor ?? ''} ${p.device?.product ?? ''} ${p.device?.serial ? `(${p.device.serial})` : ''}`) } };
    case 'lifecycle':
      return { key: 'event.lifecycle', params: { kind: cleanText(p.kind, 60), detail: cleanText(p.detail) } };
    case 'policy_decision':
      return { key: 'event.policy_decision', params: { decision: cleanText(p.decision, 60), detail: cleanText(p.detail) } };
    default:
      return { key: 'event.other', params: { kind: cleanText(kind, 60) } };
  }
}

/** A window length as data ("24h" in English, "24時間" in Japanese). */
export function durationMessage(ms: number): Message {
  if (ms % 86_400_000 === 0) return { key: 'duration.d', params: { n: ms / 86_400_000 } };
  if (ms % 3_600_000 === 0) return { key: 'duration.h', params: { n: ms / 3_600_000 } };
  if (ms % 60_000 === 0) return { key: 'duration.m', params: { n: ms / 60_000 } };
  return { key: 'duration.s', params: { n: Math.round(ms / 1000) } };
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
