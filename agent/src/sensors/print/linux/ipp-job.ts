import type { PrintJobRecord, PrintJobState } from '../common/print-job.ts';
import type { IppAttributes } from './ipp-client.ts';

/** The job attributes the CUPS adapter asks for (and nothing else, to keep Get-Jobs answers small). */
export const requestedJobAttributes = [
  'job-id', 'job-uuid', 'job-name', 'job-originating-user-name', 'job-printer-uri', 'job-state', 'copies',
  'job-impressions-completed', 'job-media-sheets-completed', 'job-k-octets', 'time-at-creation',
  'time-at-completed', 'document-name-supplied',
];

const states: Record<string, PrintJobState> = {
  pending: 'pending', 'pending-held': 'held', processing: 'processing', 'processing-stopped': 'stopped',
  canceled: 'cancelled', aborted: 'aborted', completed: 'completed',
};

function int(value: unknown): number {
  const n = Array.isArray(value) ? value[0] : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.trunc(n) : 0;
}

function text(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** The queue name at the end of job-printer-uri (ipp://host/printers/NAME). */
export function printerFromUri(uri: string): string {
  const tail = uri.slice(uri.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(tail);
  } catch {
    return tail;
  }
}

/**
 * Maps one Get-Jobs job group to a PrintJobRecord, or undefined when the group has no usable job id. Names are
 * kept verbatim (they are untrusted text; storage and display escape them, nothing here interprets them).
 */
export function jobFromIpp(attributes: IppAttributes): PrintJobRecord | undefined {
  const jobId = int(attributes['job-id']);
  if (jobId <= 0) return undefined;
  const state = states[text(attributes['job-state'])] ?? 'pending';
  const submittedMs = int(attributes['time-at-creation']) * 1000;
  const uuid = text(attributes['job-uuid']);
  const printer = printerFromUri(text(attributes['job-printer-uri']));
  const pages = int(attributes['job-impressions-completed']);
  return {
    key: uuid || `cups:${printer}:${jobId}:${submittedMs}`,
    jobId,
    documentName: text(attributes['job-name']) || text(attributes['document-name-supplied']),
    printer,
    user: text(attributes['job-originating-user-name']),
    pages,
    copies: Math.max(1, int(attributes.copies)),
    sheets: int(attributes['job-media-sheets-completed']),
    // CUPS reports the spooled size only in kilobytes (job-k-octets).
    sizeBytes: int(attributes['job-k-octets']) * 1024,
    submittedMs,
    completedMs: int(attributes['time-at-completed']) * 1000,
    state,
    // CUPS counts pages only while filtering; before that the count is 0, not known.
    pagesKnown: state !== 'pending' && state !== 'held' && (state !== 'processing' || pages > 0),
  };
}
