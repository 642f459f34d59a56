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

export interface AttachmentSighting extends MailAttachmentRow {
  mailId: number;
  timeMs: number;
  pc: string;
  user: string;
  subject: string;
  verdict: string;
  to: string[];
}
/** Relayed mail (SMTP relay on the PC) and its attachments. */
export interface MailRepository {
  /** A problem with the search text (e.g. a keyword too short to search), or undefined when it can be searched. */
  searchTextProblem(text: string): Promise<string | undefined>;
  /** One page of mails matching a search, newest first. */
  search(search: MailSearch): Promise<MailRow[]>;
  /** One mail with its body excerpt and attachments. */
  get(id: number): Promise<MailRow | undefined>;
  /** Every mail that carried an attachment with this SHA-256, newest first. */
  withAttachment(sha256: string, limit?: number): Promise<AttachmentSighting[]>;
}
