import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentPolicySchema, defaultPolicyDir, loadPolicyDir, MailPolicySchema, type ContentPolicy } from '@mamori/policies';
import type { MailEvent } from '@mamori/proto';
import { ensureDebianPackages } from '@mamori/test';
import type { EventDraft } from '../../../core/event-draft.ts';
import { encodeHashes, fingerprintText } from '../../../inspect/common/fingerprint.ts';
import { ContentInspector } from '../../../inspect/node/content-inspector.ts';
import { mailWith, people, peopleXlsx, textDocx, textPdf } from '../../../inspect/testing/corpus-writers.ts';
import { ProcNetTcpOwnerLookup } from '../../../platform/connection-owner/linux-proc-net-tcp.ts';
import { MailSensorConfigSchema, UpstreamConfigSchema } from '../common/config.ts';
import type { UserLanguage } from '../common/mail-policy.ts';
import { SmtpRelay } from './smtp-relay.ts';
import { SmtpPeer } from './testing/smtp-peer.ts';

const defaults = loadPolicyDir(defaultPolicyDir);
let peer: SmtpPeer;
let relay: SmtpRelay | undefined;
let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'mamori-mail-content-'));
  peer = new SmtpPeer();
  await peer.start();
});

afterEach(async () => {
  await relay?.close();
  relay = undefined;
  await peer.stop();
  await rm(work, { recursive: true, force: true });
});

async function startRelay(options: { language?: UserLanguage; content?: ContentPolicy } = {}) {
  const events: EventDraft[] = [];
  relay = new SmtpRelay({
    config: MailSensorConfigSchema.parse({ listen: { port: 0 }, spoolDir: join(work, 'spool') }),
    upstream: UpstreamConfigSchema.parse({ host: '127.0.0.1', port: peer.port, security: 'none', auth: { mode: 'none' } }),
    emit: (draft) => events.push(draft),
    policy: () => MailPolicySchema.parse({ ...defaults.mail, external_attachments: { action: 'off' } }),
    currentUser: () => 'console-user',
    inspector: new ContentInspector(() => options.content ?? defaults.content),
    connectionOwner: new ProcNetTcpOwnerLookup(),
    language: options.language,
  });
  await relay.listen();
  return { port: relay.port, events, mails: () => events.flatMap((e) => (e.mail ? [{ ...e.mail, user: e.user }] : [])) as (MailEvent & { user?: string })[] };
}

async function send(port: number, message: Parameters<ReturnType<typeof nodemailer.createTransport>['sendMail']>[0]) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ from: 'sender@example.co.jp', to: 'tanaka@partner.example.com', ...message });
    return { code: 250, response: String(info.response) };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; message: string };
    return { code: e.responseCode ?? 0, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('the relay reads attachments before it accepts a mail', () => {
  it('refuses a mail whose xlsx attachment lists My Numbers with a 5xx naming the reason; nothing reaches the upstream', async () => {
    const xlsx = await peopleXlsx(people(12));
    for (const language of ['en', 'ja'] as const) {
      const h = await startRelay({ language });
      const result = await send(h.port, { subject: '名簿送付', text: 'ご確認ください', attachments: [{ filename: '顧客名簿.xlsx', content: xlsx, contentType: xlsxType }] });
      expect(result.code).toBe(550);
      expect(result.response).toContain(language === 'en'
        ? 'The attachment 顧客名簿.xlsx contains a personal-data list (10 or more My Numbers).'
        : '添付ファイル「顧客名簿.xlsx」に個人情報の一覧（マイナンバー10件以上）が含まれています。');
      expect(result.response).toContain(language === 'en' ? 'this mail was not sent because of company policy' : '会社のポリシーにより');
      const [mail] = h.mails();
      expect(mail).toMatchObject({ verdict: 'blocked', rule: expect.stringContaining('content.personal_data_list') });
      expect(mail?.contentFindings?.map((f) => f.rule).sort()).toEqual(['my_number', 'personal_data_list']);
      expect(mail?.attachments?.[0]).toMatchObject({
        fileName: '顧客名簿.xlsx', declaredType: xlsxType, detectedType: xlsxType, partPath: ['顧客名簿.xlsx'],
        content: { status: 'inspected', format: 'xlsx', severity: 'high' },
      });
      await relay?.close();
      relay = undefined;
    }
    expect(peer.received).toHaveLength(0);
  });

  it('lists the attachments of a forwarded mail with their place in the tree, declared and detected types', async () => {
    const h = await startRelay();
    const inner = mailWith('見積', 'see attached', [
      { name: 'quote.pdf', type: 'application/octet-stream', bytes: await textPdf(['Quotation 2026-11', 'Total 120,000 JPY']) },
      { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('meeting notes') },
    ]);
    const result = await send(h.port, { subject: 'Fwd: 見積', text: 'forwarding', attachments: [{ filename: 'original.eml', content: inner, contentType: 'message/rfc822' }] });
    expect(result.code).toBe(250);
    expect(peer.received).toHaveLength(1);
    const [mail] = h.mails();
    expect(mail?.verdict).toBe('relayed');
    expect(mail?.attachments?.map((a) => [a.partPath?.join(' › '), a.declaredType, a.detectedType])).toEqual([
      ['original.eml', 'message/rfc822', 'message/rfc822'],
      ['original.eml › quote.pdf', 'application/octet-stream', 'application/pdf'],
      ['original.eml › notes.txt', 'text/plain', 'text/plain'],
    ]);
    expect(mail?.attachments?.[1]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('flags a mail whose closing boundary never comes as malformed, and relays it', async () => {
    const h = await startRelay();
    const raw = readFileSync(new URL('../common/fixtures/unclosed-boundary.eml', import.meta.url));
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: h.port, secure: false, ignoreTLS: true });
    await transport.sendMail({ envelope: { from: 'cut@example.co.jp', to: ['someone@partner.example.com'] }, raw });
    transport.close();
    const [mail] = h.mails();
    expect(mail).toMatchObject({ malformed: true, verdict: 'relayed', structureProblems: [expect.stringContaining('boundary "outer-b" is never closed')] });
    expect(mail?.attachments?.map((a) => a.fileName)).toEqual(['list.csv']);
  });

  it('recognises a registered sensitive document attached under another name and format', async () => {
    const text = [
      '新製品「みまもりカメラ」設計仕様書 第3版', '筐体寸法は幅82mm、高さ54mm、奥行き31mmとする。',
      '画像センサーは1/2.8型、夜間は赤外線照明で10メートル先まで撮影できること。',
      '量産開始は2027年4月、初回ロットは12,000台を予定する。価格は税込19,800円。',
    ];
    const content = ContentPolicySchema.parse({
      ...defaults.content,
      fingerprints: [{ name: 'camera_spec', label: { en: 'camera design spec', ja: 'カメラ設計仕様書' }, hashes: encodeHashes(fingerprintText(text.join('\n'))) }],
    });
    const h = await startRelay({ content });
    const result = await send(h.port, { subject: 'memo', text: 'fyi', attachments: [{ filename: 'memo.docx', content: await textDocx(text) }] });
    expect(result.code).toBe(550);
    expect(result.response).toContain('The attachment memo.docx contains a registered sensitive document: camera design spec.');
    expect(peer.received).toHaveLength(0);
  });

  it('names the user from SMTP AUTH, else the OS user owning the client connection', async () => {
    ensureDebianPackages(['swaks'], ['swaks']);
    const h = await startRelay();
    // A folder the "nobody" user can read (the test's own work folder is private).
    const shared = await mkdtemp(join(tmpdir(), 'mamori-nobody-'));
    await chmod(shared, 0o755);
    const file = join(shared, 'plain.eml');
    await writeFile(file, 'From: a@example.co.jp\r\nTo: b@example.co.jp\r\nSubject: hello\r\n\r\nhello\r\n', { mode: 0o644 });
    const nobody = Number(/^nobody:[^:]*:(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'))?.[1]);
    // swaks runs as "nobody": the relay must name nobody, not the user this test (or the console) runs as.
    await promisify(execFile)('swaks', ['--server', '127.0.0.1', '--port', String(h.port), '--from', 'a@example.co.jp', '--to', 'b@example.co.jp', '--data', `@${file}`, '--suppress-data'], {
      uid: nobody, gid: nobody, timeout: 30_000, cwd: '/',
    }).finally(() => rm(shared, { recursive: true, force: true }));
    await send(h.port, { subject: 'as root', text: 'hi' });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: h.port, secure: false, ignoreTLS: true, auth: { user: 'sato@example.co.jp', pass: 'x' } });
    await transport.sendMail({ from: 'sato@example.co.jp', to: 'b@example.co.jp', subject: 'with auth', text: 'hi' });
    transport.close();
    expect(h.mails().map((m) => [m.subject, m.user, m.userSource])).toEqual([
      ['hello', 'nobody', 'connection_owner'],
      ['as root', 'root', 'connection_owner'],
      ['with auth', 'sato@example.co.jp', 'smtp_auth'],
    ]);
  });
});
