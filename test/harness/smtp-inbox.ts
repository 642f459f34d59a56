/**
 * A real SMTP server (smtp-server) standing in for the organisation's mail server when the collector sends alert
 * mail: it parses what it accepts (mailparser), and can be told to answer 4xx for a while (busy/down).
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface InboxMail {
  to: string[];
  messageId: string;
  subject: string;
  text: string;
  acceptedMs: number;
  /** Attached files as received (inspection reports carry their PDF and CSV). */
  attachments: { fileName: string; content: Buffer }[];
}

export class SmtpInbox {
  readonly mails: InboxMail[] = [];
  /** accept: 250; tempfail: 451 after DATA (nothing accepted). */
  mode: 'accept' | 'tempfail' = 'accept';
  refused = 0;
  /** Called as each message is accepted (before the 250 reaches the client). */
  onMail: ((mail: InboxMail) => void) | undefined;
  readonly #server: SMTPServer;
  port = 0;

  constructor() {
    this.#server = new SMTPServer({
      secure: false, hideSTARTTLS: true, authOptional: true, disableReverseLookup: true, logger: false, closeTimeout: 200,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.mode === 'tempfail') {
            this.refused += 1;
            callback(Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 }));
            return;
          }
          const acceptedMs = Date.now();
          simpleParser(Buffer.concat(chunks)).then((parsed) => {
            const mail = {
              to: session.envelope.rcptTo.map((r) => r.address), messageId: parsed.messageId ?? '', subject: parsed.subject ?? '',
              text: parsed.text ?? '', acceptedMs,
              attachments: parsed.attachments.map((a) => ({ fileName: a.filename ?? '', content: a.content })),
            };
            this.mails.push(mail);
            this.onMail?.(mail);
            callback(null, `2.0.0 Ok: queued as inbox-${this.mails.length}`);
          }, (error: unknown) => callback(error as Error));
        });
      },
    });
    this.#server.on('error', () => undefined);
  }

  /** Listens on `port` (0 = any free port). */
  async start(port = 0): Promise<number> {
    this.#server.listen(port, '127.0.0.1');
    await once(this.#server.server, 'listening');
    this.port = (this.#server.server.address() as { port: number }).port;
    return this.port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on right now (for "the SMTP server is down"). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
