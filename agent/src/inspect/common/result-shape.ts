import type { ContentFinding } from './content-rules.ts';
import type { ContentFormat } from './sniff.ts';

/** One file inside what was inspected (an archive entry, a mail's attachment), listed with its place in the tree. */
export interface InspectedItemShape {
  /** Names from the outermost container down, e.g. ["forwarded.eml", "見積.zip", "list.csv"]. */
  path: string[];
  format: ContentFormat;
  /** The type the bytes show. */
  detectedType: string;
  /** The type the container declared (a mail part's Content-Type), when it declared one. */
  declaredType: string;
  sizeBytes: number;
  /** SHA-256 of the entry's bytes when it was read whole (mail attachments, archive entries); else empty. */
  sha256: string;
  /** Why this entry was not read, or empty. */
  notInspected: string;
}

/** What the engine answers for one file (OS-neutral shape; the engine itself lives in node/). */
export interface InspectResultShape {
  /** inspected: every part was read; not_inspected: some or all of it could not be (see `reason`). */
  status: 'inspected' | 'not_inspected';
  /** Why (parts of) the file were not read, e.g. "encrypted" or "inner.zip: nested deeper than 3". */
  reason: string;
  format: ContentFormat;
  detectedType: string;
  /** Rules whose thresholds were reached, over everything that could be read (they stand even when not_inspected). */
  findings: ContentFinding[];
  /** Files found inside (archive entries, attachments, forwarded mails' attachments). */
  items: InspectedItemShape[];
  textChars: number;
  elapsedMs: number;
}
