import type Database from 'better-sqlite3';
import { hashText, hashValue } from '../hash-column.ts';
import { normalizeMailText, termTokens } from '../indexers/mail-text.ts';
import type { AttachmentSighting, MailAttachmentRow, MailRow, MailSearch } from '../../repositories/mail.ts';

/** The normalised terms of a keyword search, or why it cannot run. */
export function mailSearchTerms(text: string): { terms: string[] } | { error: string } {
  const terms = [...new Set(normalizeMailText(text).split(/\s+/u).filter(Boolean))];
  if (terms.length === 0) return { error: 'no search terms' };
  if (terms.length > 16) return { error: 'at most 16 search terms' };
  for (const term of terms) {
    if (!termTokens(term)) return { error: `"${term}" is too short: use at least 3 characters (2 for a Japanese word)` };
  }
  return { terms };
}

/** Trigrams looked up per term: the rarest few narrow the candidates; the row check does the rest. */
const TOKENS_PER_TERM = 3;
const checkFunction = 'mamori_mail_contains';
const prepared = new WeakSet<Database.Database>();

/** Registers the row check: every term (NUL-separated) appears in the NFKC-normalised, lower-cased text. */
function prepareConnection(db: Database.Database): void {
  if (prepared.has(db)) return;
  db.function(checkFunction, { deterministic: true }, (text: unknown, terms: unknown) => {
    const haystack = normalizeMailText(String(text ?? ''));
    return String(terms).split('\u0000').every((term) => haystack.includes(term)) ? 1 : 0;
  });
  prepared.add(db);
}

/**
 * The FTS5 expression for `terms`: per term its rarest tokens by the sample index (a common trigram such as
 * ".co" would make the index walk nearly every row), rarest first overall. Tokens are quoted, never spliced raw.
 */
function matchExpression(db: Database.Database, terms: string[]): string {
  const perTerm = terms.map((term) => termTokens(term) ?? []);
  const all = [...new Set(perTerm.flat())];
  const frequency = new Map<string, number>();
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500);
    const rows = db.prepare(`SELECT term, doc FROM mails_fts_sample_vocab WHERE term IN (${chunk.map(() => '?').join(',')})`)
      .all(...chunk) as { term: string; doc: number }[];
    for (const row of rows) frequency.set(row.term, row.doc);
  }
  const df = (token: string) => frequency.get(token) ?? 0;
  const chosen = new Set<string>();
  for (const tokens of perTerm) {
    for (const token of [...tokens].sort((a, b) => df(a) - df(b)).slice(0, TOKENS_PER_TERM)) chosen.add(token);
  }
  return [...chosen].sort((a, b) => df(a) - df(b)).map((token) => `"${token.replace(/"/g, '""')}"`).join(' AND ');
}

/** The row text the check runs on: the same fields the indexer puts into mails_fts. */
const haystack = `m.subject || char(10) || m.body_excerpt || char(10) || m.sender || char(10) || m.to_json || char(10) ||
  m.cc_json || char(10) || m.bcc_json || char(10) || m.attachment_names`;

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
 * bound, never spliced into SQL. Throws on keywords mailSearchTerms() refuses.
 */
export function searchMails(db: Database.Database, search: MailSearch): MailRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  let from = 'mails m';
  let idColumn = 'm.id';
  if (search.text !== undefined && search.text.trim() !== '') {
    const parsed = mailSearchTerms(search.text);
    if ('error' in parsed) throw new RangeError(parsed.error);
    prepareConnection(db);
    // With a PC or user filter, that PC's or user's mails (an index range) are fewer than the keyword's matches
    // in the whole log: check them directly. Otherwise the keyword index drives, newest first.
    if (search.pc === undefined && search.user === undefined) {
      from = 'mails_fts JOIN mails m ON m.id = mails_fts.rowid';
      idColumn = 'mails_fts.rowid';
      where.push('mails_fts MATCH ?');
      params.push(matchExpression(db, parsed.terms));
    }
    where.push(`${checkFunction}(${haystack}, ?)`);
    params.push(parsed.terms.join('\u0000'));
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

/** Every mail that carried a file with this SHA-256, newest first: where did this file go? */
export function mailsWithAttachment(db: Database.Database, sha256: string, limit = 100): AttachmentSighting[] {
  const rows = db.prepare(`SELECT a.mail_id AS mailId, m.time_ms AS timeMs, m.pc, m.user, m.subject, m.verdict,
      m.to_json AS toJson, a.file_name AS fileName, a.content_type AS contentType, a.size_bytes AS sizeBytes, ${hashText('a.sha256')} AS sha256,
      a.inline FROM mail_attachments a JOIN mails m ON m.id = a.mail_id WHERE a.sha256 = ?
      ORDER BY a.mail_id DESC LIMIT ?`).all(hashValue(sha256.toLowerCase()), Math.min(Math.max(limit, 1), 1000)) as
    (Omit<AttachmentSighting, 'to' | 'inline'> & { toJson: string; inline: number })[];
  return rows.map(({ toJson, inline, ...row }) => ({ ...row, inline: inline === 1, to: JSON.parse(toJson) as string[] }));
}

function withAttachments(db: Database.Database, rows: RawRow[]): MailRow[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const attachments = db.prepare(`SELECT mail_id AS mailId, file_name AS fileName, content_type AS contentType,
      size_bytes AS sizeBytes, ${hashText('sha256')} AS sha256, inline FROM mail_attachments WHERE mail_id IN (${ids.map(() => '?').join(',')})
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
