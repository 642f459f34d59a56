import type { MessageKey } from '../../i18n/messages-en.ts';

/** The facts of one event a person needs to judge an alert, as label keys and plain (untrusted) text values. */
export interface EventFacts {
  file: string;
  destination: string;
  sizeBytes: number | null;
  device: string;
  recipients: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const size = (value: unknown): number | null => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};
const deviceText = (value: unknown): string => {
  if (!value || typeof value !== 'object') return '';
  const d = value as Record<string, unknown>;
  const name = [text(d.vendor), text(d.product)].filter(Boolean).join(' ') || [text(d.vendorId), text(d.productId)].filter(Boolean).join(':');
  return [name, text(d.serial) && `#${text(d.serial)}`].filter(Boolean).join(' ');
};

/** Reads the fields an event kind carries (decoded payload, camelCase) into one shape; unknown kinds give blanks. */
export function eventFacts(kind: string, payload: Record<string, unknown> | null): EventFacts {
  const p = payload ?? {};
  switch (kind) {
    case 'file_copy':
      return { file: text(p.sourcePath) || text(p.destinationPath).split('/').at(-1) || '', destination: text(p.destinationPath), sizeBytes: size(p.sizeBytes), device: deviceText(p.device), recipients: '' };
    case 'mail': {
      const attachments = Array.isArray(p.attachments) ? p.attachments.map((a) => text((a as Record<string, unknown>)?.fileName)).filter(Boolean) : [];
      return {
        file: [text(p.subject), ...attachments.map((a) => `📎 ${a}`)].filter(Boolean).join(' · '), destination: text(p.from),
        sizeBytes: size(p.sizeBytes), device: '', recipients: [...list(p.to), ...list(p.cc), ...list(p.bcc)].join(', '),
      };
    }
    case 'upload':
      return { file: text(p.fileName), destination: text(p.destinationUrl) || text(p.destinationHost), sizeBytes: size(p.sizeBytes), device: '', recipients: '' };
    case 'print_job':
      return { file: text(p.documentName), destination: text(p.printer), sizeBytes: size(p.sizeBytes), device: '', recipients: '' };
    case 'device':
      return { file: text(p.label), destination: text(p.mountPoint), sizeBytes: size(p.sizeBytes), device: deviceText(p.device), recipients: '' };
    default:
      return { file: '', destination: '', sizeBytes: null, device: '', recipients: '' };
  }
}

/** Column labels for the alert page's event table. */
export const eventFactColumns: { key: keyof EventFacts; label: MessageKey }[] = [
  { key: 'file', label: 'alertEvents.file' },
  { key: 'destination', label: 'alertEvents.destination' },
  { key: 'sizeBytes', label: 'alertEvents.size' },
  { key: 'device', label: 'alertEvents.device' },
  { key: 'recipients', label: 'alertEvents.recipients' },
];
