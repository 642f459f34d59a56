import type { Event__Output } from '@mamori/proto';
import type { EventIndexer } from '../indexer.ts';

/** One line of the combined log: what a person scans for (summary), where it went (detail), what policy did. */
export interface LogLine {
  action: string;
  summary: string;
  detail: string;
  sizeBytes: number;
}

const join = (parts: (string | undefined | null | false)[]): string => parts.filter((p) => p).join(' · ');

/** Summarises an event for the log and the PC timeline; undefined for kinds that are not logged (lifecycle …). */
export function summariseEvent(event: Event__Output): LogLine | undefined {
  if (event.fileCopy) {
    const c = event.fileCopy;
    return {
      action: c.operation || 'copied', summary: c.destinationPath,
      detail: join([c.destinationKind, c.destinationRoot, c.device?.serial && `serial ${c.device.serial}`, c.sourcePath && `from ${c.sourcePath}`]),
      sizeBytes: Number(c.sizeBytes),
    };
  }
  if (event.printJob) {
    const p = event.printJob;
    return { action: p.action || p.state, summary: p.documentName, detail: join([p.printer, `${p.pages} pages`, p.rule]), sizeBytes: Number(p.sizeBytes) };
  }
  if (event.mail) {
    const m = event.mail;
    return {
      action: m.verdict, summary: m.subject,
      detail: join([m.from && `from ${m.from}`, m.to.length > 0 && `to ${m.to.join(', ')}`, m.cc.length > 0 && `cc ${m.cc.join(', ')}`,
        m.bcc.length > 0 && `bcc ${m.bcc.join(', ')}`, m.attachments.length > 0 && `📎 ${m.attachments.map((a) => a.fileName).join(', ')}`]),
      sizeBytes: Number(m.sizeBytes),
    };
  }
  if (event.upload) {
    const u = event.upload;
    return { action: u.category || 'upload', summary: u.fileName, detail: join([u.destinationHost, u.destinationUrl || u.pageUrl, u.browser]), sizeBytes: Number(u.sizeBytes) };
  }
  if (event.device) {
    const d = event.device;
    return {
      action: String(d.action).toLowerCase(), summary: join([d.device?.vendor, d.device?.product]) || d.label || d.blockDevice,
      detail: join([d.device && `${d.device.vendorId}:${d.device.productId}`, d.device?.serial && `serial ${d.device.serial}`, d.mountPoint, d.rule, d.message]),
      sizeBytes: Number(d.sizeBytes),
    };
  }
  if (event.policyDecision) {
    const p = event.policyDecision;
    return { action: p.decision, summary: join([p.subject, p.rule]), detail: p.detail, sizeBytes: 0 };
  }
  return undefined;
}

/** The kinds that appear in the combined log (eventKind() names). */
export const loggedKinds = ['file_copy', 'print_job', 'mail', 'upload', 'device', 'policy_decision'] as const;

function logEntryIndexer(kind: string): EventIndexer {
  return {
    kind,
    prepare(db) {
      const insert = db.prepare(`INSERT OR IGNORE INTO log_entries (event_id, time_ms, pc, user, kind, action, summary, detail, size_bytes)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const insertText = db.prepare('INSERT INTO log_entries_fts (rowid, summary, detail) VALUES (?, ?, ?)');
      return (ref, event) => {
        const line = summariseEvent(event);
        if (!line) return;
        const result = insert.run(ref.eventId, ref.timeMs, ref.pc, ref.user, kind, line.action, line.summary, line.detail, line.sizeBytes);
        if (result.changes > 0) insertText.run(ref.eventId, line.summary, line.detail);
      };
    },
  };
}

/** Fills log_entries (and its FTS index) for every logged kind, in the ingest transaction. */
export const logEntryIndexers: EventIndexer[] = loggedKinds.map(logEntryIndexer);
