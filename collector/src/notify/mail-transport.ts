import nodemailer, { type Transporter } from 'nodemailer';

/** One outgoing mail, as the outbox hands it over. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Fixed per outbox row, so a retried mail is recognisably the same message. */
  messageId: string;
}

/** Sends mail; resolves only once the server accepted the message, rejects otherwise. */
export interface MailTransport {
  /** Resolves with the server's acceptance line (e.g. "250 OK queued"). */
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): void;
}

/** Whether an SMTP failure is permanent (5xx): retrying would not help, so the outbox records it and stops. */
export function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  from: string;
  user?: string | undefined;
  password?: string | undefined;
}

/** nodemailer over SMTP with a small connection pool; short timeouts so an outage turns into retries quickly. */
export class SmtpMailTransport implements MailTransport {
  readonly #from: string;
  readonly #transport: Transporter;

  constructor(settings: SmtpSettings) {
    this.#from = settings.from;
    this.#transport = nodemailer.createTransport({
      host: settings.host, port: settings.port, secure: settings.secure, pool: true, maxConnections: 2,
      connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 15_000,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    });
  }

  async send(mail: OutgoingMail): Promise<{ response: string }> {
    const info = await this.#transport.sendMail({
      from: this.#from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Mamori-Outbox': mail.messageId },
    });
    if ((info.rejected ?? []).length > 0) throw Object.assign(new Error(`recipient refused: ${info.response}`), { responseCode: 550 });
    return { response: info.response ?? '' };
  }

  close(): void {
    this.#transport.close();
  }
}
