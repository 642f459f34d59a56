import { createHash, randomBytes } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailPolicySchema, parsePolicySources, type MailPolicy } from '@mamori/policies';
import type { MailEvent, PolicyDecisionEvent } from '@mamori/proto';
import { ensureDebianPackages } from '@mamori/test';
import type { EventDraft } from '../../../core/event-draft.ts';
import { MailSensorConfigSchema, UpstreamConfigSchema, type UpstreamConfig } from '../common/config.ts';
import { SmtpRelay } from './smtp-relay.ts';
import { SmtpPeer } from './testing/smtp-peer.ts';

const fixtureDir = new URL('../common/fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtureDir));
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

interface Harness {
  relay: SmtpRelay;
  events: EventDraft[];
  mails: () => MailEvent[];
  decisions: () => PolicyDecisionEvent[];
  spoolDir: string;
}

let peer: SmtpPeer;
let harness: Harness | undefined;
let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'mamori-mail-'));
  peer = new SmtpPeer();
  await peer.start();
});

afterEach(async () => {
  await harness?.relay.close();
  harness = undefined;
  await peer.stop();
  await rm(work, { recursive: true, force: true });
});

async function startRelay(options: { policy?: MailPolicy; upstream?: Partial<UpstreamConfig> } = {}): Promise<Harness> {
  const events: EventDraft[] = [];
  const spoolDir = join(work, 'spool');
  const relay = new SmtpRelay({
    config: MailSensorConfigSchema.parse({ listen: { port: 0 }, spoolDir }),
    upstream: UpstreamConfigSchema.parse({
      host: '127.0.0.1', port: peer.port, security: 'none', auth: { mode: 'none' }, ...options.upstream,
    }),
    emit: (draft) => events.push(draft),
    policy: () => options.policy ?? MailPolicySchema.parse({ internal_domains: ['example.co.jp'] }),
    currentUser: () => 'tester',
  });
  await relay.listen();
  harness = {
    relay, events, spoolDir,
    mails: () => events.flatMap((e) => (e.mail ? [e.mail] : [])),
    decisions: () => events.flatMap((e) => (e.policyDecision ? [e.policyDecision] : [])),
  };
  return harness;
}

function client(port: number, auth?: { user: string; pass: string }) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, auth, socketTimeout: 30_000 });
}

/** Sends raw bytes through the relay as a mail client would; resolves to the relay's reply or its error. */
async function send(port: number, raw: Buffer | { path: string }, to: string[], auth?: { user: string; pass: string }) {
  const transport = client(port, auth);
  try {
    const info = await transport.sendMail({ envelope: { from: 'sender@example.co.jp', to }, raw });
    return { ok: true as const, response: String(info.response), code: 250 };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; message: string };
    return { ok: false as const, response: e.response ?? e.message, code: e.responseCode ?? 0 };
  } finally {
    transport.close();
  }
}

const corpus = [
  'iso-2022-jp-subject.eml', 'shift-jis-attachment-name.eml', 'rfc2231-continuation.eml',
  'nested-alternative.eml', 'malformed-boundary.eml', 'personal-data-qp.eml',
];

describe('SmtpRelay with a real client and a real upstream', () => {
  it('relays every corpus message byte-identical and logs it right', async () => {
    const h = await startRelay();
    for (const name of corpus) {
      const result = await send(h.relay.port, fixture(name), ['to@partner.example.com', 'hidden@example.co.jp']);
      expect(result, name).toMatchObject({ ok: true });
      expect(result.response).toMatch(/Accepted by the mail server: 250/);
    }
    expect(peer.received.map((m) => sha256(m.raw))).toEqual(corpus.map((name) => sha256(fixture(name))));
    expect(peer.received[0]?.to).toEqual(['to@partner.example.com', 'hidden@example.co.jp']);

    const mails = h.mails();
    expect(mails.map((m) => m.subject)).toEqual(['見積書の送付について', '名簿', 'drawings', '会議資料', 'broken boundary', 'マイナンバーの件']);
    expect(mails[0]).toMatchObject({ from: '佐藤 <sato@example.co.jp>', to: ['yamada@partner.example.com'], malformed: false, verdict: 'relayed' });
    // Envelope recipients missing from To/Cc are the Bcc the client stripped.
    expect(mails[0]?.bcc).toEqual(['to@partner.example.com', 'hidden@example.co.jp']);
    expect(mails[0]?.bodyExcerpt).toContain('見積書を送付いたします');
    expect(mails[0]?.sizeBytes).toBe(fixture(corpus[0]!).length);
    expect(mails[1]?.attachments).toEqual([expect.objectContaining({ fileName: '顧客名簿.xlsx', sizeBytes: 50, inline: false })]);
    expect(mails[2]?.attachments?.[0]?.fileName).toBe('設計図面_第3版_最終確認用.pdf');
    expect(mails[3]?.attachments?.map((a) => [a.fileName, a.inline])).toEqual(expect.arrayContaining([['agenda.doc', false], ['logo.png', true]]));
    expect(mails[4]).toMatchObject({ malformed: true, verdict: 'relayed' });
    expect(mails.every((m) => String(m.upstreamResponse).startsWith('250'))).toBe(true);
    // attachments went to an external domain: the default policy warns
    expect(mails[1]).toMatchObject({ verdict: 'warned', rule: 'mail.external_attachments' });
    expect(await readdir(h.spoolDir)).toEqual([]);
  });

  it('relays a message sent by swaks byte-identical', async () => {
    ensureDebianPackages(['swaks'], ['swaks']);
    const h = await startRelay();
    const file = join(work, 'nested.eml');
    await writeFile(file, fixture('nested-alternative.eml'));
    // Asynchronously: the relay and the upstream live in this process and must keep answering.
    const swaks = (port: number) => promisify(execFile)('swaks', [
      '--server', '127.0.0.1', '--port', String(port), '--from', 'sender@example.co.jp',
      '--to', 'team@example.co.jp', '--data', `@${file}`, '--suppress-data',
    ], { encoding: 'utf8', timeout: 30_000 });
    // swaks adds a line ending of its own, so "identical" means: what swaks sends straight to the upstream.
    await swaks(peer.port);
    const { stdout } = await swaks(h.relay.port);
    expect(stdout).toMatch(/<- +250 Accepted by the mail server/);
    expect(peer.received).toHaveLength(2);
    expect(peer.received[1]!.raw.equals(peer.received[0]!.raw)).toBe(true);
    expect(h.mails()).toEqual([expect.objectContaining({ subject: '会議資料', verdict: 'relayed' })]);
  });

  it('streams a 25 MB attachment through, hashing it on the way', async () => {
    const h = await startRelay();
    const content = randomBytes(25 * 1024 * 1024);
    const path = join(work, 'big.eml');
    const out = createWriteStream(path);
    out.write([
      'From: big@example.co.jp', 'To: team@example.co.jp', 'Subject: big', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="big"', '', '--big', 'Content-Type: text/plain', '', 'see attached', '--big',
      'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="design.cad"',
      'Content-Transfer-Encoding: base64', '', '',
    ].join('\r\n'));
    const b64 = content.toString('base64');
    for (let i = 0; i < b64.length; i += 76 * 1000) {
      out.write(b64.slice(i, i + 76 * 1000).replace(/.{1,76}/g, '$&\r\n'));
    }
    out.end('--big--\r\n');
    await new Promise<void>((resolve) => out.on('finish', () => resolve()));

    const result = await send(h.relay.port, { path }, ['team@example.co.jp']);
    expect(result).toMatchObject({ ok: true });
    expect(sha256(peer.received[0]!.raw)).toBe(sha256(readFileSync(path)));
    expect(h.mails()[0]?.attachments).toEqual([{
      fileName: 'design.cad', contentType: 'application/octet-stream', sizeBytes: content.length, sha256: sha256(content), inline: false,
      declaredType: 'application/octet-stream', detectedType: '', partPath: ['design.cad'],
    }]);
    expect(h.mails()[0]?.sizeBytes).toBe((await stat(path)).size);
  });

  it('refuses a blocked mail with a 5xx the user understands, and it never reaches the upstream', async () => {
    const policy = parsePolicySources([{ name: 'mail.yaml', text: [
      'mail:', '  internal_domains: [example.co.jp]',
      '  patterns:', '    - { name: my_number, detector: my_number, action: block, message: Personal numbers must not be sent by mail. }',
      '  external_attachments: { action: block }',
    ].join('\n') }]).mail;
    const h = await startRelay({ policy });
    const myNumber = await send(h.relay.port, fixture('personal-data-qp.eml'), ['payroll@outsourcer.example.com']);
    expect(myNumber).toMatchObject({ ok: false, code: 550 });
    expect(myNumber.response).toMatch(/company policy.*Personal numbers must not be sent by mail/);
    const attachment = await send(h.relay.port, fixture('rfc2231-continuation.eml'), ['tanaka.private@freemail.example']);
    expect(attachment).toMatchObject({ ok: false, code: 550 });
    expect(attachment.response).toContain('freemail.example');
    expect(peer.received).toHaveLength(0);
    expect(h.mails().map((m) => [m.verdict, m.rule])).toEqual([['blocked', 'mail.patterns.my_number'], ['blocked', 'mail.external_attachments']]);
    expect(h.decisions().map((d) => d.decision)).toEqual(['block', 'block']);
    expect(JSON.stringify(h.events)).not.toContain('5678');
    expect(h.mails()[0]?.bodyExcerpt).toBe('個人番号: [My Number] カード: [card number]');
  });

  it('logs garbage and header-only messages as they come, relays them unchanged, and keeps serving', async () => {
    const h = await startRelay();
    const garbage = [
      Buffer.concat([Buffer.from('Subject: \xff\xfe\r\nContent-Type: multipart/mixed\r\n\r\n', 'latin1'), randomBytes(4096)]),
      Buffer.from('no headers at all, just text\r\n'),
      Buffer.from('Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=y\r\n\r\n--y\r\n'),
    ];
    // The client itself normalises bare line feeds in random bytes, so compare with what it sends straight upstream.
    for (const raw of garbage) {
      expect(await send(peer.port, raw, ['a@example.co.jp'])).toMatchObject({ ok: true });
      expect(await send(h.relay.port, raw, ['a@example.co.jp'])).toMatchObject({ ok: true });
    }
    const hashes = peer.received.map((m) => sha256(m.raw));
    expect([hashes[1], hashes[3], hashes[5]]).toEqual([hashes[0], hashes[2], hashes[4]]);
    expect(h.mails()).toHaveLength(3);
    expect(h.mails()[0]?.malformed).toBe(true);
    expect(await send(h.relay.port, fixture('iso-2022-jp-subject.eml'), ['a@example.co.jp'])).toMatchObject({ ok: true });
  });

  it('refuses a malformed message when the policy says so', async () => {
    const h = await startRelay({ policy: MailPolicySchema.parse({ internal_domains: ['example.co.jp'], malformed: 'refuse' }) });
    const result = await send(h.relay.port, fixture('malformed-boundary.eml'), ['someone@example.co.jp']);
    expect(result).toMatchObject({ ok: false, code: 550 });
    expect(result.response).toMatch(/not correctly formatted/);
    expect(peer.received).toHaveLength(0);
    expect(h.mails()[0]).toMatchObject({ verdict: 'blocked', malformed: true, rule: 'mail.malformed' });
  });

  it('gives a 4xx while the upstream is down, and the retried mail is delivered once', async () => {
    const port = await freePort();
    await peer.stop();
    peer = new SmtpPeer({ port });
    const h = await startRelay({ upstream: { port } });
    const first = await send(h.relay.port, fixture('iso-2022-jp-subject.eml'), ['a@example.co.jp']);
    expect(first).toMatchObject({ ok: false, code: 451 });
    expect(first.response).toMatch(/not reachable right now; your mail program will retry/);
    await peer.start();
    const retry = await send(h.relay.port, fixture('iso-2022-jp-subject.eml'), ['a@example.co.jp']);
    expect(retry).toMatchObject({ ok: true });
    expect(peer.received).toHaveLength(1);
    expect(sha256(peer.received[0]!.raw)).toBe(sha256(fixture('iso-2022-jp-subject.eml')));
    expect(h.mails().map((m) => m.verdict)).toEqual(['failed', 'relayed']);
  });

  it('gives a 4xx when the upstream stalls after DATA, and passes on a permanent upstream refusal', async () => {
    const h = await startRelay({ upstream: { socketTimeoutMs: 1000 } });
    peer.mode = 'stall';
    const slow = await send(h.relay.port, fixture('iso-2022-jp-subject.eml'), ['a@example.co.jp']);
    expect(slow).toMatchObject({ ok: false, code: 451 });
    peer.mode = 'refuse';
    const refused = await send(h.relay.port, fixture('iso-2022-jp-subject.eml'), ['a@example.co.jp']);
    expect(refused).toMatchObject({ ok: false, code: 554 });
    expect(refused.response).toMatch(/mail server refused the message: .*rejected by test upstream/);
    expect(peer.received).toHaveLength(0);
    expect(h.mails().map((m) => m.verdict)).toEqual(['failed', 'failed']);
  });

  it('passes the client login through to the upstream, refusing a wrong password', async () => {
    await peer.stop();
    peer = new SmtpPeer({ login: { user: 'sato', pass: 'right' } });
    await peer.start();
    const h = await startRelay({ upstream: { auth: { mode: 'passthrough' } } });
    const wrong = await send(h.relay.port, fixture('iso-2022-jp-subject.eml'), ['a@example.co.jp'], { user: 'sato', pass: 'wrong' });
    expect(wrong).toMatchObject({ ok: false, code: 535 });
    const right = await send(h.relay.port, fixture('iso-2022-jp-subject.eml'), ['a@example.co.jp'], { user: 'sato', pass: 'right' });
    expect(right).toMatchObject({ ok: true });
    expect(peer.received.map((m) => m.user)).toEqual(['sato']);
    expect(h.events.find((e) => e.mail)?.user).toBe('sato');
  });
});

describe('SmtpRelay crash', () => {
  it('leaves the client with a failure when the relay dies mid-message, and the resent mail is delivered once', async () => {
    const start = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', new URL('./testing/run-relay.ts', import.meta.url).pathname,
        JSON.stringify({ upstreamPort: peer.port, spoolDir: join(work, 'spool') })], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => { out += chunk; });
      while (!/port (\d+)/.test(out)) {
        if (child.exitCode !== null) throw new Error(`relay process exited: ${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { child, port: Number(/port (\d+)/.exec(out)![1]), output: () => out };
    };

    peer.mode = 'stall';
    const first = await start();
    const sending = send(first.port, fixture('nested-alternative.eml'), ['team@example.co.jp']);
    while (peer.dataSeen === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    // The upstream has the bytes but has not answered: the relay dies here.
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const failed = await sending;
    expect(failed.ok).toBe(false);
    expect(peer.received).toHaveLength(0);

    peer.mode = 'accept';
    const second = await start();
    try {
      const retried = await send(second.port, fixture('nested-alternative.eml'), ['team@example.co.jp']);
      expect(retried).toMatchObject({ ok: true });
      expect(peer.received).toHaveLength(1);
      expect(sha256(peer.received[0]!.raw)).toBe(sha256(fixture('nested-alternative.eml')));
      expect(second.output()).toMatch(/"verdict":"(relayed|warned)"/);
    } finally {
      second.child.kill('SIGKILL');
      await once(second.child, 'exit');
    }
  });
});

describe('SmtpRelay to a TLS upstream', () => {
  it('relays over STARTTLS and implicit TLS, verifying the upstream certificate against the configured CA', async () => {
    const key = join(work, 'key.pem');
    const cert = join(work, 'cert.pem');
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
    const pems = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    for (const implicit of [false, true]) {
      await peer.stop();
      peer = new SmtpPeer({ tls: { ...pems, implicit }, login: { user: 'sato', pass: 'pw' } });
      await peer.start();
      const security = implicit ? 'tls' as const : 'starttls' as const;
      const trusted = await startRelay({ upstream: { security, ca: pems.cert, auth: { mode: 'configured', user: 'sato', pass: 'pw' } } });
      const ok = await send(trusted.relay.port, fixture('iso-2022-jp-subject.eml'), ['a@example.co.jp']);
      expect(ok, security).toMatchObject({ ok: true });
      expect(peer.received.map((m) => [m.secure, m.user])).toEqual([[true, 'sato']]);
      await trusted.relay.close();
      harness = undefined;

      // Without the CA the certificate does not verify: temporary failure, nothing sent.
      const untrusted = await startRelay({ upstream: { security, auth: { mode: 'configured', user: 'sato', pass: 'pw' } } });
      const refused = await send(untrusted.relay.port, fixture('iso-2022-jp-subject.eml'), ['a@example.co.jp']);
      expect(refused, security).toMatchObject({ ok: false, code: 451 });
      expect(peer.received).toHaveLength(1);
      await untrusted.relay.close();
      harness = undefined;
    }
  });
});
