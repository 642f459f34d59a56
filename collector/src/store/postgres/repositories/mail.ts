import type pg from 'pg';
import type { AttachmentSighting, MailAttachmentRow, MailRepository, MailRow, MailSearch } from '../../repositories/mail.ts';
import { mailSearchTerms } from '../../sqlite/queries/mail.ts';
import { containsPattern } from './transaction.ts';

const columns = `m.id, m.event_id AS "eventId", m.agent_id AS "agentId", m.pc, m.seq, m.time_ms AS "timeMs", m.user_name AS "user",
  m.message_id AS "messageId", m.sender AS "from", m.to_json AS "toJson", m.cc_json AS "ccJson", m.bcc_json AS "bccJson", m.subject,
  m.size_bytes AS "sizeBytes", m.body_excerpt AS "bodyExcerpt", m.verdict, m.rule, m.malformed, m.upstream_response AS "upstreamResponse"`;

type RawRow = Omit<MailRow, 'to' | 'cc' | 'bcc' | 'attachments'> & { toJson: string; ccJson: string; bccJson: string };

/**
 * The mail log on PostgreSQL (filled by projection, migration 0120). Keywords are the same terms SQLite accepts
 * (mailSearchTerms: NFKC, lower case, 3+ characters or a two-character Japanese word), each a LIKE on the
 * normalised search_text: pg_trgm's GIN index answers terms of 3+ characters, shorter ones are checked row by row.
 */
export class PostgresMailRepository implements MailRepository {
  constructor(private readonly pool: pg.Pool) {}

  async searchTextProblem(text: string): Promise<string | undefined> {
    const terms = mailSearchTerms(text);
    return 'error' in terms ? terms.error : undefined;
  }

  /** Newest first (by id, projection order). Throws on keywords mailSearchTerms() refuses, as SQLite's does. */
  async search(search: MailSearch): Promise<MailRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown): string => { params.push(value); return `$${params.length}`; };
    if (search.text !== undefined && search.text.trim() !== '') {
      const parsed = mailSearchTerms(search.text);
      if ('error' in parsed) throw new RangeError(parsed.error);
      for (const term of parsed.terms) where.push(`m.search_text LIKE ${p(containsPattern(term))}`);
    }
    const exact: [keyof MailSearch, string][] = [['pc', 'm.pc'], ['user', 'm.user_name'], ['verdict', 'm.verdict']];
    for (const [key, column] of exact) if (search[key] !== undefined) where.push(`${column} = ${p(search[key])}`);
    if (search.withAttachments) where.push('m.attachment_count > 0');
    if (search.fromMs !== undefined) where.push(`m.time_ms >= ${p(search.fromMs)}`);
    if (search.toMs !== undefined) where.push(`m.time_ms < ${p(search.toMs)}`);
    if (search.beforeId !== undefined) where.push(`m.id < ${p(search.beforeId)}`);
    const limit = Math.min(Math.max(search.limit ?? 100, 1), 1000);
    const { rows } = await this.pool.query<RawRow>(`SELECT ${columns} FROM mails m ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY m.id DESC LIMIT ${p(limit)}`, params);
    return this.#withAttachments(rows);
  }

  async get(id: number): Promise<MailRow | undefined> {
    const { rows } = await this.pool.query<RawRow>(`SELECT ${columns} FROM mails m WHERE m.id = $1`, [id]);
    return (await this.#withAttachments(rows))[0];
  }

  async withAttachment(sha256: string, limit = 100): Promise<AttachmentSighting[]> {
    const { rows } = await this.pool.query<Omit<AttachmentSighting, 'to'> & { toJson: string }>(`SELECT a.mail_id AS "mailId", m.time_ms AS "timeMs",
        m.pc, m.user_name AS "user", m.subject, m.verdict, m.to_json AS "toJson", a.file_name AS "fileName", a.content_type AS "contentType",
        a.size_bytes AS "sizeBytes", a.sha256, a.inline
      FROM mail_attachments a JOIN mails m ON m.id = a.mail_id WHERE a.sha256 = $1 ORDER BY a.mail_id DESC LIMIT $2`,
    [sha256.toLowerCase(), Math.min(Math.max(limit, 1), 1000)]);
    return rows.map(({ toJson, ...row }) => ({ ...row, to: JSON.parse(toJson) as string[] }));
  }

  async #withAttachments(rows: RawRow[]): Promise<MailRow[]> {
    if (rows.length === 0) return [];
    const attachments = await this.pool.query<MailAttachmentRow & { mailId: number }>(`SELECT mail_id AS "mailId", file_name AS "fileName",
        content_type AS "contentType", size_bytes AS "sizeBytes", sha256, inline
      FROM mail_attachments WHERE mail_id = ANY($1::bigint[]) ORDER BY mail_id, ordinal`, [rows.map((r) => r.id)]);
    const byMail = new Map<number, MailAttachmentRow[]>();
    for (const { mailId, ...a } of attachments.rows) byMail.set(mailId, [...(byMail.get(mailId) ?? []), a]);
    return rows.map(({ toJson, ccJson, bccJson, ...row }) => ({
      ...row,
      to: JSON.parse(toJson) as string[],
      cc: JSON.parse(ccJson) as string[],
      bcc: JSON.parse(bccJson) as string[],
      attachments: byMail.get(row.id) ?? [],
    }));
  }
}
