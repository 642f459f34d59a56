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

/**
 * nodemailer over SMTP, one connection per mail. Not pooled on purpose: nodemailer's pool holds queued messages
 * back after connection errors, so a send could stay pending long after the server came back; a fresh connection
 * per mail always settles (timeouts below) and the outbox does the retrying.
 */
export class SmtpMailTransport implements MailTransport {
  readonly #from: string;
  readonly #transport: Transporter;

  constructor(settings: SmtpSettings) {
    this.#from = settings.from;
    this.#transport = nodemailer.createTransport({
      host: settings.host, port: settings.port, secure: settings.secure,
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
