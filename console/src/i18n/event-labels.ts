import { entryFields } from '../components/entry-fields.tsx';
import { en, type MessageKey } from './messages-en.ts';

// Turns what agents and the collector record (actions such as `relayed`, payload and audit field names such as
// `destinationPath`) into labels in the reader's language. A value we have no label for is shown as it came.

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;
const known = (key: string): key is MessageKey => key in en;

/** "relayed" → "Relayed" / "送信済み"; "BLOCKED" and "read_only" alike; anything unknown as it is. */
export function actionLabel(t: Translate, action: string): string {
  const key = `action.${action.toLowerCase()}`;
  return known(key) ? t(key) : action;
}

/** A field path ("destinationPath", "device.serial", "smtp.host") as a label; the last part's label, or the path. */
export function fieldLabel(t: Translate, path: string): string {
  const whole = `field.${path}`;
  if (known(whole)) return t(whole);
  const last = `field.${path.split('.').at(-1)}`;
  return known(last) ? t(last) : path;
}

/** Lists of records (mail attachments, disks) read as their names and sizes, not as key: value dumps. */
function readableLists(value: unknown, formatBytes: (n: number) => string): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => {
    if (!Array.isArray(inner) || !inner.every((item) => item && typeof item === 'object' && !Array.isArray(item))) return [key, inner];
    const named = (inner as Record<string, unknown>[]).map((item) => {
      const name = item.fileName ?? item.name ?? item.label;
      if (typeof name !== 'string') return undefined;
      const size = typeof item.sizeBytes === 'number' ? ` (${formatBytes(item.sizeBytes)})` : '';
      return `${name}${size}`;
    });
    return [key, named.every((n) => n !== undefined) ? named : inner];
  }));
}

/** Fields that are not for people (signed bytes, internal ids of the wire format). */
const hidden = new Set(['bytes', 'raw', 'seq', 'previousHash', 'hash']);

/**
 * A record (event payload, audit entry, health row) as labelled fields: label in the reader's language, plain
 * text value (untrusted), yes/no for flags, sizes in bytes via `formatBytes`.
 */
export function labelledFields(t: Translate, formatBytes: (n: number) => string, value: unknown): { path: string; label: string; text: string }[] {
  return entryFields(readableLists(value, formatBytes))
    .filter(([path]) => !hidden.has(path.split('.').at(-1)!))
    .filter(([, text]) => text !== '' && text !== '—')
    .map(([path, text]) => {
      const leaf = path.split('.').at(-1)!;
      let shown = text;
      if (text === 'true' || text === 'false') shown = t(`value.${text}`);
      else if (/bytes$/i.test(leaf) && /^\d+$/.test(text)) shown = formatBytes(Number(text));
      else if ((leaf === 'action' || leaf === 'verdict' || leaf === 'decision' || leaf === 'operation' || leaf === 'state') && text) shown = actionLabel(t, text);
      return { path, label: fieldLabel(t, path), text: shown };
    });
}

/** The words the collector's log index joins into an entry's detail (collector log-entry.ts), per event kind. */
const detailWords: Record<string, Record<string, MessageKey>> = {
  file_copy: { from: 'field.sourcePath', serial: 'field.device.serial' },
  mail: { from: 'field.from', to: 'field.to', cc: 'field.cc', bcc: 'field.bcc' },
  device: { serial: 'field.device.serial' },
};

/**
 * A log entry's detail ("from a@x · to b@y · 📎 a.xlsx", "PDF · 3 pages") with its words in the reader's language:
 * each part is "label: value"; the values (untrusted text from the PC) are left as they are.
 */
export function localiseDetail(t: Translate, kind: string, detail: string): string {
  if (!detail) return detail;
  const words = detailWords[kind] ?? {};
  return detail.split(' · ').map((part) => {
    const pages = /^(\d+) pages$/.exec(part);
    if (pages && kind === 'print_job') return `${t('field.pages')}: ${pages[1]}`;
    if (part.startsWith('📎 ')) return `${t('field.attachments')}: ${part.slice(3)}`;
    const space = part.indexOf(' ');
    const key = space > 0 ? words[part.slice(0, space)] : undefined;
    return key ? `${t(key)}: ${part.slice(space + 1)}` : part;
  }).join(' · ');
}
