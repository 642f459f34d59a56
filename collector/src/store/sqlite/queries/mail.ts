import type Database from 'better-sqlite3';
import { bigramMark, isCjk } from '../indexers/mail-text.ts';

export interface MailAttachmentRow {
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  inline: boolean;
}

export interface MailRow {
  id: number;
  eventId: number;
  agentId: string;
  pc: string;
  seq: number;
  timeMs: number;
  user: string;
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  sizeBytes: number;
  bodyExcerpt: string;
  verdict: string;
  rule: string;
  malformed: boolean;
  upstreamResponse: string;
  attachments: MailAttachmentRow[];
}

export interface MailSearch {
  /**
   * Keywords that must all appear somewhere in subject, body excerpt, addresses or attachment names: any
   * substring of 3+ characters, or a 2-character Japanese word. Case-insensitive.
   */
  text?: string;
  pc?: string;
  user?: string;
  /** relayed, warned, blocked, failed */
  verdict?: string;
  /** Only mails with at least one (non-inline or inline) attachment. */
  withAttachments?: boolean;
  fromMs?: number;
  toMs?: number;
  /** Page backwards: only rows with id below this. */
  beforeId?: number;
  limit?: number;
}

/** Turns the user's keywords into an FTS5 MATCH expression, or says why it cannot. Every term is quoted. */
export function mailMatchExpression(text: string): { match: string } | { error: string } {
  const terms = text.normalize('NFKC').split(/\s+/u).filter(Boolean);
  if (terms.length === 0) return { error: 'no search terms' };
  if (terms.length > 16) return { error: 'at most 16 search terms' };
  const parts: string[] = [];
  for (const term of terms) {
    const length = [...term].length;
    const quoted = (value: string) => `"${value.replace(/"/g, '""')}"`;
    if (length >= 3) parts.push(quoted(term));
    else if (length === 2 && isCjk(term)) parts.push(`short : ${quoted(`${term}${bigramMark}`)}`);
    else return { error: `"${term}" is too short: use at least 3 characters (2 for a Japanese word)` };
  }
  return { match: parts.join(' AND ') };
}

const columns = `m.id, m.event_id AS eventId, m.agent_id AS agentId, m.pc, m.seq, m.time_ms AS timeMs, m.user,
  m.message_id AS messageId, m.sender AS "from", m.to_json AS toJson, m.cc_json AS ccJson, m.bcc_json AS bccJson,
  m.subject, m.size_bytes AS sizeBytes, m.body_excerpt AS bodyExcerpt, m.verdict, m.rule, m.malformed,
  m.upstream_response AS upstreamResponse`;

type RawRow = Omit<MailRow, 'to' | 'cc' | 'bcc' | 'malformed' | 'attachments'> & {
  toJson: string; ccJson: string; bccJson: string; malformed: number;
};

/**
 * Newest first (by id, which is ingest order). With keywords the FTS index drives the scan in descending rowid
 * order and stops at `limit`, so a common word over a million mails costs no more than a rare one. Every value is
 * bound, never spliced into SQL. Throws on keywords mailMatchExpression() refuses.
 */
export function searchMails(db: Database.Database, search: MailSearch): MailRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  let from = 'mails m';
  let idColumn = 'm.id';
  if (search.text !== undefined && search.text.trim() !== '') {
    const expression = mailMatchExpression(search.text);
    if ('error' in expression) throw new RangeError(expression.error);
    from = 'mails_fts JOIN mails m ON m.id = mails_fts.rowid';
    idColumn = 'mails_fts.rowid';
    where.push('mails_fts MATCH ?');
    params.push(expression.match);
  }
  const exact: [keyof MailSearch, string][] = [['pc', 'm.pc'], ['user', 'm.user'], ['verdict', 'm.verdict']];
  for (const [key, column] of exact) {
    if (search[key] !== undefined) {
      where.push(`${column} = ?`);
      params.push(search[key]);
    }
  }
  if (search.withAttachments) where.push('m.attachment_count > 0');
  if (search.fromMs !== undefined) { where.push('m.time_ms >= ?'); params.push(search.fromMs); }
  if (search.toMs !== undefined) { where.push('m.time_ms < ?'); params.push(search.toMs); }
  if (search.beforeId !== undefined) { where.push(`${idColumn} < ?`); params.push(search.beforeId); }
  const limit = Math.min(Math.max(search.limit ?? 100, 1), 1000);
  const sql = `SELECT ${columns} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${idColumn} DESC LIMIT ${limit}`;
  const rows = db.prepare(sql).all(...params) as RawRow[];
  return withAttachments(db, rows);
}

/** One mail with its attachments, or undefined. */
export function getMail(db: Database.Database, id: number): MailRow | undefined {
  const rows = db.prepare(`SELECT ${columns} FROM mails m WHERE m.id = ?`).all(id) as RawRow[];
  return withAttachments(db, rows)[0];
}

export interface AttachmentSighting extends MailAttachmentRow {
  mailId: number;
  timeMs: number;
  pc: string;
  user: string;
  subject: string;
  verdict: string;
  to: string[];
}

/** Every mail that carried a file with this SHA-256, newest first: where did this file go? */
export function mailsWithAttachment(db: Database.Database, sha256: string, limit = 100): AttachmentSighting[] {
  const rows = db.prepare(`SELECT a.mail_id AS mailId, m.time_ms AS timeMs, m.pc, m.user, m.subject, m.verdict,
      m.to_json AS toJson, a.file_name AS fileName, a.content_type AS contentType, a.size_bytes AS sizeBytes, a.sha256,
      a.inline FROM mail_attachments a JOIN mails m ON m.id = a.mail_id WHERE a.sha256 = ?
      ORDER BY a.mail_id DESC LIMIT ?`).all(sha256.toLowerCase(), Math.min(Math.max(limit, 1), 1000)) as
    (Omit<AttachmentSighting, 'to' | 'inline'> & { toJson: string; inline: number })[];
  return rows.map(({ toJson, inline, ...row }) => ({ ...row, inline: inline === 1, to: JSON.parse(toJson) as string[] }));
}

function withAttachments(db: Database.Database, rows: RawRow[]): MailRow[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const attachments = db.prepare(`SELECT mail_id AS mailId, file_name AS fileName, content_type AS contentType,
      size_bytes AS sizeBytes, sha256, inline FROM mail_attachments WHERE mail_id IN (${ids.map(() => '?').join(',')})
      ORDER BY mail_id, ordinal`).all(...ids) as (Omit<MailAttachmentRow, 'inline'> & { mailId: number; inline: number })[];
  const byMail = new Map<number, MailAttachmentRow[]>();
  for (const { mailId, inline, ...a } of attachments) {
    const list = byMail.get(mailId) ?? [];
    list.push({ ...a, inline: inline === 1 });
    byMail.set(mailId, list);
  }
  return rows.map(({ toJson, ccJson, bccJson, malformed, ...row }) => ({
    ...row,
    to: JSON.parse(toJson) as string[],
    cc: JSON.parse(ccJson) as string[],
    bcc: JSON.parse(bccJson) as string[],
    malformed: malformed === 1,
    attachments: byMail.get(row.id) ?? [],
  }));
}
