/**
 * Hands a spooled message to the organisation's mail server with nodemailer's SMTP transport, exactly as the
 * client sent it (raw: no headers added or rewritten). OS-neutral: plain TCP/TLS.
 */
import nodemailer from 'nodemailer';
import type { UpstreamConfig } from '../common/config.ts';

export interface UpstreamCredentials {
  user: string;
  pass: string;
}

export interface UpstreamOutcome {
  /** accepted: the upstream said 250; refused: it gave a permanent 5xx; unavailable: down, slow, 4xx. */
  status: 'accepted' | 'refused' | 'unavailable';
  /** The upstream's reply line, or what went wrong talking to it. */
  response: string;
  /** SMTP code to pass on to the mail client for refused/unavailable. */
  code: number;
  /** Recipients the upstream refused while accepting the others. */
  rejected: string[];
}

function transportFor(config: UpstreamConfig, credentials: UpstreamCredentials | undefined) {
  const auth = config.auth.mode === 'configured' ? { user: config.auth.user, pass: config.auth.pass }
    : config.auth.mode === 'passthrough' && credentials ? credentials : undefined;
  return nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    auth,
    tls: { rejectUnauthorized: config.rejectUnauthorized, ...(config.ca ? { ca: config.ca } : {}) },
    connectionTimeout: config.connectionTimeoutMs,
    greetingTimeout: config.greetingTimeoutMs,
    socketTimeout: config.socketTimeoutMs,
    // One connection per message: nothing lingers when the upstream goes away, and each result is unambiguous.
    pool: false,
    logger: false,
  });
}

/** Sends the spooled file at `path` to `recipients`. Never rejects: every failure becomes an outcome. */
export async function deliverUpstream(
  config: UpstreamConfig, path: string, envelope: { from: string; to: string[] }, credentials?: UpstreamCredentials,
): Promise<UpstreamOutcome> {
  const transport = transportFor(config, credentials);
  try {
    const info = await transport.sendMail({ envelope, raw: { path } });
    const rejected = (info.rejected as (string | { address: string })[]).map((r) => (typeof r === 'string' ? r : r.address));
    return { status: 'accepted', response: info.response, code: 250, rejected };
  } catch (error) {
    return classify(error, config);
  } finally {
    transport.close();
  }
}

/** Checks a mail client's credentials against the upstream (passthrough AUTH). */
export async function verifyUpstreamLogin(config: UpstreamConfig, credentials: UpstreamCredentials): Promise<UpstreamOutcome> {
  const transport = transportFor(config, credentials);
  try {
    await transport.verify();
    return { status: 'accepted', response: 'authenticated', code: 235, rejected: [] };
  } catch (error) {
    return classify(error, config);
  } finally {
    transport.close();
  }
}

function classify(error: unknown, config: UpstreamConfig): UpstreamOutcome {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const where = `${config.host}:${config.port}`;
  // Only an explicit 5xx from the upstream is permanent; anything else (refused connection, timeout, TLS
  // trouble, 4xx) is temporary so the client keeps the mail and retries.
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) {
    return { status: 'refused', code: e.responseCode, response: e.response ?? e.message ?? '', rejected: [] };
  }
  const reason = e.response ?? `${e.code ?? 'error'}: ${e.message ?? String(error)}`;
  return { status: 'unavailable', code: 451, response: `${where} ${reason}`, rejected: [] };
}
