import { useI18n } from '../i18n/i18n.tsx';
import { labelledFields } from '../i18n/event-labels.ts';
import { PcText } from './pc-text.tsx';

/** "a.b" paths and plain-text values of a JSON object, one level of nesting flattened; lists joined by commas. */
export function entryFields(value: unknown, prefix = ''): [string, string][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [[prefix, plain(value)]] : [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return inner !== null && typeof inner === 'object' && !Array.isArray(inner) && !prefix ? entryFields(inner, path) : [[path, plain(inner)] as [string, string]];
  });
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(plain).join(', ');
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${plain(v)}`).join('; ');
  return String(value);
}

/** An audit entry, event payload or health row as labelled fields in the reader's language; values are untrusted text. */
export function EntryFields({ value }: { value: unknown }) {
  const { t, formatBytes } = useI18n();
  const fields = labelledFields(t, formatBytes, value);
  if (fields.length === 0) return null;
  return (
    <dl className="entry-fields">
      {fields.map(({ path, label, text }) => <div key={path} data-field={path}><dt>{label}</dt><dd><PcText value={text} /></dd></div>)}
    </dl>
  );
}
