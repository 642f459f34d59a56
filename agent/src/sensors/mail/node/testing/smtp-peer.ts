/**
 * A real SMTP server (smtp-server) standing in for the organisation's mail server in tests: it records every
 * message's envelope and exact bytes, and can be told to stall or refuse.
 */
import { once } from 'node:events';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The message came over TLS (implicit or STARTTLS). */
  secure: boolean;
  from: string;
  to: string[];
  raw: Buffer;
  user?: string;
}

export interface SmtpPeerOptions {
  port?: number;
  /** Require AUTH with exactly these credentials. */
  login?: { user: string; pass: string };
  /** Offer TLS with this key and certificate: implicit (port-465 style) or via STARTTLS. */
  tls?: { key: string; cert: string; implicit: boolean };
}

export class SmtpPeer {
  readonly received: ReceivedMail[] = [];
  /** Messages whose DATA arrived in full, whatever the answer (a stalled one counts here, not in `received`). */
  dataSeen = 0;
  /** accept: 250; stall: never answer the end of DATA; refuse: 554. */
  mode: 'accept' | 'stall' | 'refuse' = 'accept';
  readonly #server: SMTPServer;
  readonly #port: number;
  port = 0;

  constructor(options: SmtpPeerOptions = {}) {
    this.#port = options.port ?? 0;
    const login = options.login;
    const tls = options.tls;
    this.#server = new SMTPServer({
      ...(tls ? { key: tls.key, cert: tls.cert } : {}),
      secure: tls?.implicit ?? false, hideSTARTTLS: !tls, allowInsecureAuth: !tls, authOptional: !login, disableReverseLookup: true,
      logger: false, size: 100 * 1024 * 1024, closeTimeout: 500,
      onAuth: (auth, _session, callback) => {
        if (login && auth.username === login.user && auth.password === login.pass) callback(null, { user: auth.username });
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.dataSeen += 1;
          if (this.mode === 'stall') return;
          if (this.mode === 'refuse') {
            callback(Object.assign(new Error('5.7.1 Message rejected by test upstream'), { responseCode: 554 }));
            return;
          }
          this.received.push({
            secure: session.secure,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            user: session.user,
          });
          callback(null, `2.0.0 Ok: queued as test-${this.received.length}`);
        });
      },
    });
    this.#server.on('error', () => undefined);
  }

  async start(): Promise<number> {
    this.#server.listen(this.#port, '127.0.0.1');
    await once(this.#server.server, 'listening');
    const address = this.#server.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.#port;
    return this.port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
