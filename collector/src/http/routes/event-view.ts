import { decodeEvent, eventKind } from '@mamori/proto';
import { summariseEvent } from '../../store/sqlite/indexers/log-entry.ts';

/** A stored event as the console shows it: decoded payload (untrusted text), one-line summary. */
export interface EventView {
  id: number;
  agentId: string;
  seq: number;
  /** The PC's clock when the event happened. */
  timeMs: number;
  /** The collector's clock when it stored the event; the console shows the difference where it is large. */
  receivedMs: number;
  kind: string;
  user: string;
  action: string;
  summary: string;
  detail: string;
  payload: Record<string, unknown> | null;
}

/**
 * Decodes stored bytes for display. `withMailBody: false` drops the mail body excerpt: reading mail content is an
 * audited act, done through the log detail route, not as a side effect of scrolling a timeline.
 */
export function eventView(
  row: { id: number; agentId: string; seq: number; timeMs: number; receivedMs: number; kind: string; user: string; bytes: Buffer }, withMailBody: boolean,
): EventView {
  let payload: Record<string, unknown> | null = null;
  let line: ReturnType<typeof summariseEvent>;
  try {
    const event = decodeEvent(row.bytes);
    const key = event.payload;
    payload = key ? { ...(event[key] as unknown as Record<string, unknown>) } : null;
    if (payload && key === 'mail' && !withMailBody) delete payload.bodyExcerpt;
    line = summariseEvent(event) ?? lifecycleLine(event);
    if (eventKind(event) !== row.kind) line = { ...line, detail: `${line.detail} (stored as ${row.kind})` };
  } catch {
    line = { action: 'undecodable', summary: '', detail: '', sizeBytes: 0 };
  }
  return { id: row.id, agentId: row.agentId, seq: row.seq, timeMs: row.timeMs, receivedMs: row.receivedMs, kind: row.kind, user: row.user, action: line.action, summary: line.summary, detail: line.detail, payload };
}

function lifecycleLine(event: ReturnType<typeof decodeEvent>): NonNullable<ReturnType<typeof summariseEvent>> {
  if (event.lifecycle) return { action: String(event.lifecycle.kind).toLowerCase(), summary: event.lifecycle.detail, detail: event.lifecycle.agentVersion, sizeBytes: 0 };
  if (event.inventory) return { action: 'inventory', summary: event.inventory.hostname, detail: `${event.inventory.osDistro} ${event.inventory.osRelease}`.trim(), sizeBytes: 0 };
  if (event.extensionHealth) return { action: 'extension_health', summary: '', detail: JSON.stringify(event.extensionHealth).slice(0, 200), sizeBytes: 0 };
  return { action: '', summary: '', detail: '', sizeBytes: 0 };
}
