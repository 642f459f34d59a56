import type pg from 'pg';
import { normalizeMailText } from '../sqlite/indexers/mail-text.ts';
import type { ProjectedEvent } from '../types.ts';

/**
 * Fills mails and mail_attachments for a projection pass's mail events, in the pass's transaction (as SQLite's
 * mailIndexer), so the mail log commits with the cursor. search_text is normalised by the same function the search
 * normalises its terms with (NFKC, lower case), so a LIKE per term matches what SQLite's index finds.
 */
export async function insertMails(client: pg.PoolClient, events: ProjectedEvent[]): Promise<void> {
  const rows = events.filter((e) => e.event.mail).map(({ stored, event }) => ({ stored, mail: event.mail! }));
  if (rows.length === 0) return;
  const column = <T>(pick: (row: (typeof rows)[number]) => T): T[] => rows.map(pick);
  const names = (row: (typeof rows)[number]) => row.mail.attachments.map((a) => a.fileName).join('\n');
  // ORDER BY the array position: ids follow projection order, as SQLite's rowids follow ingest order.
  const inserted = await client.query<{ id: number; eventId: number }>(`INSERT INTO mails (event_id, agent_id, pc, seq, time_ms, user_name, message_id,
      sender, to_json, cc_json, bcc_json, subject, size_bytes, body_excerpt, verdict, rule, malformed, upstream_response, attachment_count, search_text)
    SELECT e, a, p, s, t, u, mi, f, tj, cj, bj, sub, sz, b, v, r, m, up, ac, st
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
      $11::text[], $12::text[], $13::bigint[], $14::text[], $15::text[], $16::text[], $17::boolean[], $18::text[], $19::integer[], $20::text[])
      WITH ORDINALITY AS x (e, a, p, s, t, u, mi, f, tj, cj, bj, sub, sz, b, v, r, m, up, ac, st, n)
    ORDER BY n
    ON CONFLICT (event_id) DO NOTHING
    RETURNING id, event_id AS "eventId"`, [
    column((r) => r.stored.id), column((r) => r.stored.agentId), column((r) => r.stored.pc), column((r) => r.stored.seq), column((r) => r.stored.timeMs),
    column((r) => r.stored.user), column((r) => r.mail.messageId), column((r) => r.mail.from), column((r) => JSON.stringify(r.mail.to)),
    column((r) => JSON.stringify(r.mail.cc)), column((r) => JSON.stringify(r.mail.bcc)), column((r) => r.mail.subject),
    column((r) => Number(r.mail.sizeBytes) || 0), column((r) => r.mail.bodyExcerpt), column((r) => r.mail.verdict), column((r) => r.mail.rule),
    column((r) => r.mail.malformed), column((r) => r.mail.upstreamResponse), column((r) => r.mail.attachments.length),
    column((r) => normalizeMailText([r.mail.subject, r.mail.bodyExcerpt, r.mail.from, ...r.mail.to, ...r.mail.cc, ...r.mail.bcc, names(r)].join('\n'))),
  ]);
  const idOf = new Map(inserted.rows.map((row) => [row.eventId, row.id]));
  const attachments = rows.flatMap((r) => {
    const mailId = idOf.get(r.stored.id);
    return mailId === undefined ? [] : r.mail.attachments.map((a, ordinal) => ({ mailId, ordinal, a }));
  });
  if (attachments.length === 0) return;
  const pick = <T>(f: (row: (typeof attachments)[number]) => T): T[] => attachments.map(f);
  await client.query(`INSERT INTO mail_attachments (mail_id, ordinal, file_name, content_type, size_bytes, sha256, inline)
    SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::boolean[])`, [
    pick((r) => r.mailId), pick((r) => r.ordinal), pick((r) => r.a.fileName), pick((r) => r.a.contentType), pick((r) => Number(r.a.sizeBytes) || 0),
    pick((r) => r.a.sha256), pick((r) => r.a.inline),
  ]);
}
