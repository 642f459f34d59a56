import type { PrintJobRecord } from '../common/print-job.ts';

/** The fields Mamori uses from one Microsoft-Windows-PrintService/Operational record. */
export interface PrintServiceRecord {
  eventId: number;
  recordId: number;
  timeMs: number;
  computer: string;
  /** UserData leaf elements by name: Param1…Param8 for 307, JobId/Copies/… for 805. */
  data: Record<string, string>;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes XML character and entity references; unknown references are left as they are. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return safeCodePoint(parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith('#')) return safeCodePoint(parseInt(ref.slice(1), 10)) ?? whole;
    return entities[ref] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** Splits `wevtutil qe … /f:xml` output (events back to back, optionally inside <Events>) into single events. */
export function splitEvents(xml: string): string[] {
  return xml.match(/<Event[\s>][\s\S]*?<\/Event>/g) ?? [];
}

function leaf(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? decodeXmlText(match[1] ?? '') : undefined;
}

/** Parses one <Event> element; undefined when it is not a well-formed PrintService record. */
export function parsePrintServiceEvent(xml: string): PrintServiceRecord | undefined {
  const eventId = Number(leaf(xml, 'EventID'));
  const recordId = Number(leaf(xml, 'EventRecordID'));
  if (!Number.isInteger(eventId) || !Number.isInteger(recordId) || recordId <= 0) return undefined;
  const time = /<TimeCreated\s+SystemTime=['"]([^'"]+)['"]/.exec(xml)?.[1];
  const timeMs = time ? Date.parse(time) : NaN;
  const userData = /<UserData>([\s\S]*?)<\/UserData>/.exec(xml)?.[1] ?? '';
  const data: Record<string, string> = {};
  // UserData holds one element (DocumentPrinted, RenderJobDiag …) whose children are plain text leaves.
  for (const match of userData.matchAll(/<([A-Za-z][\w]*)(?:\s[^>]*)?>([^<]*)<\/\1>/g)) {
    const [, name, value] = match;
    if (name && !Object.hasOwn(data, name)) data[name] = decodeXmlText(value ?? '');
  }
  return { eventId, recordId, timeMs: Number.isFinite(timeMs) ? timeMs : 0, computer: leaf(xml, 'Computer') ?? '', data };
}

function count(text: string | undefined): number {
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? Math.trunc(n) : 0;
}

/**
 * Event 307 ("Document N, NAME owned by USER on CLIENT was printed on PRINTER through port PORT. Size in bytes: S.
 * Pages printed: P.") as a finished job. Param8 counts pages of one copy; `copies` comes from event 805 of the same
 * job when the log has it. Windows reports no sheet count.
 */
export function jobFromDocumentPrinted(record: PrintServiceRecord, copies: number | undefined): PrintJobRecord | undefined {
  if (record.eventId !== 307) return undefined;
  const { data } = record;
  const jobId = count(data.Param1);
  if (jobId <= 0) return undefined;
  const copyCount = Math.max(1, copies ?? 1);
  return {
    key: `winlog:${record.computer}:${record.recordId}`,
    jobId,
    documentName: data.Param2 ?? '',
    user: data.Param3 ?? '',
    printer: data.Param5 ?? '',
    pages: count(data.Param8) * copyCount,
    copies: copyCount,
    sheets: 0,
    sizeBytes: count(data.Param7),
    // 307 is written when the job has printed; the log has no separate submit time.
    submittedMs: record.timeMs,
    completedMs: record.timeMs,
    state: 'completed',
    pagesKnown: true,
  };
}

/** Event 805 (rendering a job) carries the copy count: job id → copies. */
export function copiesFromRenderJob(record: PrintServiceRecord): [number, number] | undefined {
  if (record.eventId !== 805) return undefined;
  const jobId = count(record.data.JobId);
  const copies = count(record.data.Copies);
  return jobId > 0 && copies > 0 ? [jobId, copies] : undefined;
}
