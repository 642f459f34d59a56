import type Database from 'better-sqlite3';
import type { AttachmentSighting, MailRepository, MailRow, MailSearch } from '../../repositories/mail.ts';
import { getMail, mailSearchTerms, mailsWithAttachment, searchMails } from '../queries/mail.ts';

export class SqliteMailRepository implements MailRepository {
  constructor(private readonly db: Database.Database) {}
  async searchTextProblem(text: string): Promise<string | undefined> {
    const terms = mailSearchTerms(text);
    return 'error' in terms ? terms.error : undefined;
  }
  async search(search: MailSearch): Promise<MailRow[]> { return searchMails(this.db, search); }
  async get(id: number): Promise<MailRow | undefined> { return getMail(this.db, id); }
  async withAttachment(sha256: string, limit?: number): Promise<AttachmentSighting[]> { return mailsWithAttachment(this.db, sha256, limit); }
}
