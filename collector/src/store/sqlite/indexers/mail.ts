import { hashValue } from '../hash-column.ts';
import type { EventIndexer } from '../indexer.ts';
import { mailIndexText } from './mail-text.ts';

/** Every SAMPLE_EVERY-th mail also goes into mails_fts_sample, the search's cheap estimate of trigram rarity. */
export const SAMPLE_EVERY = 128;

/** Fills mails, mail_attachments and mails_fts from mail events, in the ingest transaction. */
export const mailIndexer: EventIndexer = {
  kind: 'mail',
  prepare(db) {
    const insertMail = db.prepare(`INSERT INTO mails (event_id, agent_id, pc, seq, time_ms, user, message_id, sender,
      to_json, cc_json, bcc_json, subject, size_bytes, body_excerpt, verdict, rule, malformed, upstream_response,
      attachment_count, attachment_names) VALUES (@eventId, @agentId, @pc, @seq, @timeMs, @user, @messageId, @sender,
      @to, @cc, @bcc, @subject, @sizeBytes, @bodyExcerpt, @verdict, @rule, @malformed, @upstreamResponse,
      @attachmentCount, @attachmentNames)
      ON CONFLICT (event_id) DO NOTHING`);
    const insertAttachment = db.prepare(`INSERT INTO mail_attachments (mail_id, ordinal, file_name, content_type,
      size_bytes, sha256, inline) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const insertText = db.prepare('INSERT INTO mails_fts (rowid, text) VALUES (?, ?)');
    const insertSample = db.prepare('INSERT INTO mails_fts_sample (rowid, text) VALUES (?, ?)');
    return (ref, event) => {
      const mail = event.mail;
      if (!mail) return;
      const names = mail.attachments.map((a) => a.fileName).join('\n');
      const result = insertMail.run({
        eventId: ref.eventId, agentId: ref.agentId, pc: ref.pc, seq: ref.seq, timeMs: ref.timeMs, user: ref.user,
        messageId: mail.messageId, sender: mail.from, to: JSON.stringify(mail.to), cc: JSON.stringify(mail.cc),
        bcc: JSON.stringify(mail.bcc), subject: mail.subject, sizeBytes: Number(mail.sizeBytes), bodyExcerpt: mail.bodyExcerpt,
        verdict: mail.verdict, rule: mail.rule, malformed: mail.malformed ? 1 : 0, upstreamResponse: mail.upstreamResponse,
        attachmentCount: mail.attachments.length, attachmentNames: names,
      });
      if (result.changes === 0) return;
      const id = Number(result.lastInsertRowid);
      mail.attachments.forEach((a, i) => {
        insertAttachment.run(id, i, a.fileName, a.contentType, Number(a.sizeBytes), hashValue(a.sha256), a.inline ? 1 : 0);
      });
      const text = mailIndexText([mail.subject, mail.bodyExcerpt, mail.from, ...mail.to, ...mail.cc, ...mail.bcc, names]);
      insertText.run(id, text);
      if (id % SAMPLE_EVERY === 0) insertSample.run(id, text);
    };
  },
};
