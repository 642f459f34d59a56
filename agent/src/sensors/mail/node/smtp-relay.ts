/**
 * The agent's local SMTP submission relay. Mail clients submit to 127.0.0.1:2525; each message is spooled to
 * a private temp file, summarised and checked against policy from that file, then relayed from that file to
 * the upstream, so even a 25 MB attachment is held in memory at no point.
 *
 * OS interface: TCP on loopback, a temp folder. Privileges: none (port 2525 is unprivileged).
 * Order of events per message, so that no mail is ever lost silently:
 *   spool → parse → policy → (blocked: journal, 5xx) | (relay → upstream 250 → journal → 250 to client)
 * The client hears 250 only after the upstream accepted and the event is journaled; upstream down or slow
 * gives 451 and the client retries. If the agent dies mid-message the client's connection drops before any
 * 250, so the client still holds the mail. Known gap: if the upstream accepts some recipients and refuses
 * others, the client is told 250 (the mail went out) and the refused ones are only in the log.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { MailPolicySchema, type MailPolicy } from '@mamori/policies';
import type { Emit } from '../../common/sensor.ts';
import type { ContentInspector } from '../../../inspect/node/content-inspector.ts';
import type { InspectResultShape } from '../../../inspect/common/result-shape.ts';
import type { ConnectionOwnerLookup } from '../../../platform/connection-owner/connection-owner.ts';
import type { MailSensorConfig, UpstreamConfig } from '../common/config.ts';
import { toMailEvent, type MailVerdict, type UserSource } from '../common/mail-event.ts';
import { evaluateMail, type MailDecision, type UserLanguage } from '../common/mail-policy.ts';
import { summarizeMime, type MimeSummary } from '../common/mime-summary.ts';
import { deliverUpstream, verifyUpstreamLogin, type UpstreamCredentials } from './upstream.ts';

export interface SmtpRelayOptions {
  config: MailSensorConfig;
  upstream: UpstreamConfig;
  emit: Emit;
  /** The mail policy in force right now (re-read for every message). */
  policy: () => MailPolicy | undefined;
  /** The logged-in user, when the client did not authenticate and its connection's owner is unknown. */
  currentUser: () => string;
  /** Reads attachments before the mail is accepted (absent: no content inspection). */
  inspector?: ContentInspector;
  /** Tells which OS user owns a mail client's connection (absent: not looked up). */
  connectionOwner?: ConnectionOwnerLookup;
  /** The language refusals are written in (default English). */
  language?: UserLanguage;
  /** Where problems go that are not events (a spool file that could not be removed …). */
  log?: (line: string) => void;
}

/** An SMTP reply: smtp-server sends `responseCode` and the message as the reply line. */
function smtpError(code: number, message: string): Error {
  // SMTP reply lines are single-line ASCII-safe text; mail clients show them to the user as they are.
  return Object.assign(new Error(message.replace(/[\r\n]+/g, ' ')), { responseCode: code });
}

function isLoopback(address: string): boolean {
  const plain = address.replace(/^::ffff:/, '');
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

export class SmtpRelay {
  readonly #options: SmtpRelayOptions;
  readonly #credentials = new Map<string, UpstreamCredentials>();
  readonly #server: SMTPServer;
  readonly #spoolDir: string;
  #port = 0;

  constructor(options: SmtpRelayOptions) {
    this.#options = options;
    this.#spoolDir = options.config.spoolDir ?? join(tmpdir(), 'mamori-mail-spool');
    this.#server = new SMTPServer({
      name: options.config.hostname,
      banner: 'Mamori mail relay',
      // Loopback only: no certificate to offer, and AUTH over loopback does not leave the machine.
      secure: false,
      hideSTARTTLS: true,
      allowInsecureAuth: true,
      authOptional: true,
      authMethods: ['PLAIN', 'LOGIN'],
      size: options.config.maxMessageBytes,
      disableReverseLookup: true,
      logger: false,
      // The client waits silently while the relay parses and talks to the upstream; RFC 5321 gives the end of
      // DATA 10 minutes, and the upstream's own timeouts must end first so the client gets our 451.
      socketTimeout: 10 * 60_000,
      onConnect: (session, callback) => {
        if (!isLoopback(session.remoteAddress)) {
          callback(smtpError(554, 'Mamori relay accepts mail only from this computer'));
          return;
        }
        callback();
      },
      onAuth: (auth, session, callback) => {
        void this.#authenticate(auth.username ?? '', auth.password ?? '', session).then(
          (user) => callback(null, { user }),
          (error: Error) => callback(error),
        );
      },
      onData: (stream, session, callback) => {
        this.#handle(stream, session).then((reply) => callback(null, reply), (error: Error) => callback(error));
      },
      onClose: (session) => {
        this.#credentials.delete(session.id);
      },
    });
    // A broken client connection must never take the agent down.
    this.#server.on('error', (error) => options.log?.(`mail relay: ${error.message}`));
  }

  /** Starts listening; resolves with the bound port (useful with port 0 in tests). */
  async listen(): Promise<number> {
    await mkdir(this.#spoolDir, { recursive: true, mode: 0o700 });
    const { host, port } = this.#options.config.listen;
    this.#server.listen(port, host);
    await once(this.#server.server, 'listening');
    const address = this.#server.server.address();
    this.#port = typeof address === 'object' && address ? address.port : port;
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #authenticate(user: string, pass: string, session: SMTPServerSession): Promise<string> {
    const upstream = this.#options.upstream;
    if (upstream.auth.mode === 'passthrough') {
      const outcome = await verifyUpstreamLogin(upstream, { user, pass });
      if (outcome.status === 'unavailable') throw smtpError(454, `Mamori relay: cannot check your login with the mail server right now (${outcome.response}); try again later`);
      if (outcome.status === 'refused') throw smtpError(535, `Authentication failed: ${outcome.response}`);
      this.#credentials.set(session.id, { user, pass });
    }
    return user;
  }

  async #handle(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const path = join(this.#spoolDir, `${randomUUID()}.eml`);
    try {
      try {
        await pipeline(stream, createWriteStream(path, { mode: 0o600 }));
      } catch (error) {
        stream.resume();
        throw smtpError(452, `Mamori relay: could not store the message temporarily (${(error as Error).message}); try again later`);
      }
      if (stream.sizeExceeded) throw smtpError(552, `Message too large: the limit is ${this.#options.config.maxMessageBytes} bytes`);
      return await this.#process(path, stream.byteLength, session);
    } finally {
      await rm(path, { force: true }).catch((error: Error) => this.#options.log?.(`mail relay: spool not removed: ${error.message}`));
    }
  }

  async #process(path: string, sizeBytes: number, session: SMTPServerSession): Promise<string> {
    const policy = this.#options.policy() ?? MailPolicySchema.parse({});
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    const rules = this.#options.inspector?.rules();
    const summary = await summarizeMime(() => createReadStream(path), { holdAttachmentBytes: rules ? rules.limits.max_file_bytes : 0 });
    const inspections = await this.#inspectAttachments(summary);
    const contentFindings = summary.attachments.flatMap((a, index) => (inspections[index]?.findings ?? []).map((finding) => ({ fileName: a.fileName || 'attachment', finding })));
    const decision = evaluateMail(policy, { ...summary, recipients, contentFindings }, this.#options.language ?? 'en');
    const { user, userSource } = await this.#userOf(session);
    const record = (verdict: MailVerdict, upstreamResponse: string) => {
      this.#options.emit({
        user,
        mail: toMailEvent({
          summary, envelope: { mailFrom, recipients }, sizeBytes, decision, verdict, upstreamResponse,
          excerptChars: policy.body_excerpt_chars, inspections, userSource,
        }),
      });
      if (decision.hits.length > 0) this.#recordDecision(user, decision, summary.messageId);
    };

    if (decision.action === 'block') {
      record('blocked', '');
      throw smtpError(550, decision.userMessage);
    }

    const outcome = await deliverUpstream(
      this.#options.upstream, path, { from: mailFrom, to: recipients }, this.#credentials.get(session.id),
    );
    if (outcome.status === 'accepted') {
      const note = outcome.rejected.length > 0 ? ` (refused by the mail server: ${outcome.rejected.join(', ')})` : '';
      record(decision.action === 'warn' ? 'warned' : 'relayed', `${outcome.response}${note}`);
      return `Accepted by the mail server: ${outcome.response}${note}`;
    }
    record('failed', outcome.response);
    if (outcome.status === 'refused') throw smtpError(outcome.code, `The mail server refused the message: ${outcome.response}`);
    throw smtpError(451, `Mamori relay: the mail server is not reachable right now; your mail program will retry (${outcome.response})`);
  }

  /** Each attachment through the inspection engine (in order), before anything is sent on. */
  async #inspectAttachments(summary: MimeSummary): Promise<(InspectResultShape | undefined)[]> {
    const inspector = this.#options.inspector;
    const rules = inspector?.rules();
    if (!inspector || !rules) return [];
    const results: (InspectResultShape | undefined)[] = [];
    for (const attachment of summary.attachments) {
      const name = attachment.fileName || 'attachment';
      if (!attachment.content) {
        results.push({
          status: 'not_inspected', reason: `${attachment.sizeBytes} bytes, over the per-file limit of ${rules.limits.max_file_bytes}`,
          format: 'unsupported', detectedType: '', findings: [], items: [], textChars: 0, elapsedMs: 0,
        });
        continue;
      }
      results.push(await inspector.inspect({ name, bytes: attachment.content, declaredType: attachment.declaredType }));
      // The bytes were needed only for inspection; the log keeps names, types, sizes and hashes.
      delete attachment.content;
    }
    return results;
  }

  /** The client's SMTP login, else the OS user owning its connection, else the logged-in user. */
  async #userOf(session: SMTPServerSession): Promise<{ user: string; userSource: UserSource }> {
    if (session.user) return { user: String(session.user), userSource: 'smtp_auth' };
    const owner = await this.#options.connectionOwner?.owner({
      localAddress: session.localAddress, localPort: session.localPort, remoteAddress: session.remoteAddress, remotePort: session.remotePort,
    }).catch(() => undefined);
    if (owner) return { user: owner.user, userSource: 'connection_owner' };
    return { user: this.#options.currentUser(), userSource: 'logged_in' };
  }

  #recordDecision(user: string, decision: MailDecision, messageId: string): void {
    this.#options.emit({
      user,
      policyDecision: {
        subject: 'mail',
        decision: decision.action,
        rule: decision.hits.map((h) => h.rule).join(','),
        detail: [messageId, ...decision.hits.map((h) => h.detail)].filter(Boolean).join('; '),
      },
    });
  }
}
