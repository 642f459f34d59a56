import nodemailer, { type Transporter } from 'nodemailer';

/** One outgoing mail, as the outbox hands it over. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Fixed per outbox row, so a retried mail is recognisably the same message. */
  messageId: string;
  /** Files to attach (inspection reports); alert mails have none. */
  attachments?: { fileName: string; contentType: string; content: Buffer }[];
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
 * nodemailer over SMTP with a small pool of reused connections (a new connection per mail costs more than the
 * mail). The pool must not retry on its own: `maxRequeues: 0` hands every failure straight back, so the outbox
 * alone decides about retries and nothing is sent behind its back. A send that has not settled after
 * `stuckMs` closes the pool (which fails whatever it still holds) and starts a fresh one.
 */
export class SmtpMailTransport implements MailTransport {
  readonly #settings: SmtpSettings;
  readonly #stuckMs: number;
  #transport: Transporter;

  constructor(settings: SmtpSettings, stuckMs = 60_000) {
    this.#settings = settings;
    this.#stuckMs = stuckMs;
    this.#transport = this.#create();
  }

  #create(): Transporter {
    const settings = this.#settings;
    return nodemailer.createTransport({
      host: settings.host, port: settings.port, secure: settings.secure, pool: true, maxConnections: 4, maxMessages: 500, maxRequeues: 0,
      connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 15_000,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    } as Parameters<typeof nodemailer.createTransport>[0]);
  }

  async send(mail: OutgoingMail): Promise<{ response: string }> {
    const transport = this.#transport;
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        if (this.#transport === transport) this.#transport = this.#create();
        transport.close();
        reject(new Error(`SMTP send did not settle within ${this.#stuckMs} ms`));
      }, this.#stuckMs);
    });
    try {
      const info = await Promise.race([stuck, transport.sendMail({
        from: this.#settings.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
        ...(mail.attachments?.length ? { attachments: mail.attachments.map((a) => ({ filename: a.fileName, contentType: a.contentType, content: a.content })) } : {}),
      })]);
      if ((info.rejected ?? []).length > 0) throw Object.assign(new Error(`recipient refused: ${info.response}`), { responseCode: 550 });
      return { response: info.response ?? '' };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.#transport.close();
  }
}
