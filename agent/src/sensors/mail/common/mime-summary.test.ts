import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { summarizeMime } from './mime-summary.ts';

const fixture = (name: string) => () => createReadStream(new URL(`./fixtures/${name}`, import.meta.url));
const sha = (text: string, encoding: BufferEncoding = 'latin1') => createHash('sha256').update(Buffer.from(text, encoding)).digest('hex');

describe('summarizeMime on the MIME corpus', () => {
  it('decodes an ISO-2022-JP subject, sender name and body', async () => {
    const s = await summarizeMime(fixture('iso-2022-jp-subject.eml'));
    expect(s.subject).toBe('見積書の送付について');
    expect(s.from).toBe('佐藤 <sato@example.co.jp>');
    expect(s.to).toEqual(['yamada@partner.example.com']);
    expect(s.bodyText).toContain('見積書を送付いたします');
    expect(s.messageId).toBe('<iso2022@example.co.jp>');
    expect(s.malformed).toBe(false);
  });

  it('decodes a Shift_JIS attachment name and hashes the decoded content', async () => {
    const s = await summarizeMime(fixture('shift-jis-attachment-name.eml'));
    expect(s.subject).toBe('名簿');
    expect(s.bodyText).toContain('名簿を送ります');
    expect(s.attachments).toEqual([{
      declaredType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      fileName: '顧客名簿.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      sizeBytes: 50, sha256: sha('PK\x03\x04 fake spreadsheet bytes for hashing 0123456789'), inline: false,
    }]);
  });

  it('joins an RFC 2231 continued, percent-encoded file name', async () => {
    const s = await summarizeMime(fixture('rfc2231-continuation.eml'));
    expect(s.attachments.map((a) => a.fileName)).toEqual(['設計図面_第3版_最終確認用.pdf']);
    expect(s.attachments[0]?.sha256).toBe(sha('%PDF-1.4 fake pdf for hashing'));
    expect(s.bodyText).toContain('drawings — final');
  });

  it('finds attachments inside multipart/mixed nested in multipart/alternative, telling inline images apart', async () => {
    const s = await summarizeMime(fixture('nested-alternative.eml'));
    expect(s.subject).toBe('会議資料');
    expect(s.from).toBe('Suzuki Ichiro <suzuki@example.co.jp>');
    expect(s.cc).toEqual(['Partner <p@partner.example.com>']);
    const byName = Object.fromEntries(s.attachments.map((a) => [a.fileName, a]));
    expect(byName['agenda.doc']).toMatchObject({ inline: false, contentType: 'application/msword', sha256: sha('nested attachment content') });
    expect(byName['logo.png']).toMatchObject({ inline: true, contentType: 'image/png', sizeBytes: 16 });
    expect(s.malformed).toBe(false);
  });

  it('reports a boundary that never appears as malformed and still reads the text', async () => {
    const s = await summarizeMime(fixture('malformed-boundary.eml'));
    expect(s.malformed).toBe(true);
    expect(s.problems.join('\n')).toMatch(/boundary "declared-boundary" never appears/);
    expect(s.subject).toBe('broken boundary');
    expect(s.bodyText).toContain('never declared');
  });

  it('reports a multipart whose closing boundary never comes as malformed, and still lists its attachment', async () => {
    const s = await summarizeMime(fixture('unclosed-boundary.eml'));
    expect(s.problems).toEqual(['multipart/mixed boundary "outer-b" is never closed (the final --outer-b-- line is missing: the message may be cut off)']);
    expect(s.malformed).toBe(true);
    expect(s.attachments.map((a) => a.fileName)).toEqual(['list.csv']);
    const sound = await summarizeMime(fixture('nested-alternative.eml'));
    expect(sound.problems).toEqual([]);
  });

  it('decodes quoted-printable UTF-8 text', async () => {
    const s = await summarizeMime(fixture('personal-data-qp.eml'));
    expect(s.subject).toBe('マイナンバーの件');
    expect(s.bodyText).toContain('個人番号: 1234-5678-9018');
  });

  it('never rejects on garbage, binary noise or an empty message', async () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('\x00\xff\xfe garbage\r\n\r\n\r\n--'), Buffer.from('Content-Type: multipart/mixed\r\n\r\nno boundary param\r\n')]) {
      const s = await summarizeMime(() => Readable.from([bytes]));
      expect(typeof s.malformed).toBe('boolean');
    }
    const noBoundary = await summarizeMime(() => Readable.from([Buffer.from('Content-Type: multipart/mixed\r\n\r\nno boundary param\r\n')]));
    expect(noBoundary.malformed).toBe(true);
  });
});
