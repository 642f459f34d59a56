/**
 * Test corpus made by real writers: exceljs (xlsx), docx (docx), pdf-lib (PDF), zip.js (zip, with ZipCrypto
 * encryption), iconv-lite and encoding-japanese (Shift_JIS, EUC-JP, ISO-2022-JP, UTF-16). Used by the engine's
 * tests, the sensors' integration tests and bench:inspect.
 */
import { Document, Packer, Paragraph, TextRun } from 'docx';
import Encoding from 'encoding-japanese';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';

configure({ useWebWorkers: false });

/**
 * A valid My Number from an 11-digit seed: check digit = 11 − (Σ P_n·Q_n mod 11), 0 when the remainder is ≤ 1,
 * computed here from the published definition (not with the engine's own function).
 */
export function myNumberFrom(seed: number): string {
  const body = String(seed).padStart(11, '0').slice(-11);
  const weights = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]; // Q_n for P_11 … P_1, left to right
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  const remainder = sum % 11;
  return body + String(remainder <= 1 ? 0 : 11 - remainder);
}

/** A 12-digit number that fails the check digit (the valid one's last digit moved by one). */
export function invalidMyNumberFrom(seed: number): string {
  const valid = myNumberFrom(seed);
  return valid.slice(0, 11) + String((Number(valid[11]) + 1) % 10);
}

export interface Person {
  name: string;
  myNumber: string;
  phone: string;
  address: string;
}

export function people(count: number, seed = 31_415_926_535): Person[] {
  const families = ['山田', '佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '中村'];
  const given = ['太郎', '花子', '一郎', '美咲', '健太', '由美'];
  return Array.from({ length: count }, (_, i) => ({
    name: `${families[i % families.length]} ${given[i % given.length]}`,
    myNumber: myNumberFrom(seed + i * 7_919),
    phone: `03-${String(1000 + (i % 9000)).padStart(4, '0')}-${String(5000 + i).slice(-4)}`,
    address: `東京都千代田区${(i % 9) + 1}丁目`,
  }));
}

export function peopleCsv(rows: Person[]): string {
  return ['氏名,個人番号,電話番号,住所', ...rows.map((p) => `${p.name},${p.myNumber},${p.phone},${p.address}`)].join('\r\n') + '\r\n';
}

export function encodeText(text: string, encoding: 'shift_jis' | 'euc-jp' | 'iso-2022-jp' | 'utf-16le' | 'utf-16le-bom' | 'utf-16be-bom' | 'utf-8'): Buffer {
  switch (encoding) {
    case 'iso-2022-jp': return Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));
    case 'utf-16le-bom': return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    case 'utf-16be-bom': return Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]);
    default: return iconv.encode(text, encoding);
  }
}

/** An xlsx written by exceljs: the My Numbers as numbers (as Excel users type them), names as shared strings. */
export async function peopleXlsx(rows: Person[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名簿');
  sheet.addRow(['氏名', '個人番号', '電話番号', '住所']);
  for (const p of rows) sheet.addRow([p.name, Number(p.myNumber), p.phone, p.address]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function textDocx(paragraphs: string[]): Promise<Buffer> {
  const document = new Document({ sections: [{ children: paragraphs.map((text) => new Paragraph({ children: [new TextRun(text)] })) }] });
  return Packer.toBuffer(document);
}

/** A PDF written by pdf-lib with the standard Helvetica font (so its text is Latin: numbers and ASCII words). */
export async function textPdf(lines: string[]): Promise<Buffer> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const perPage = 45;
  for (let start = 0; start < lines.length; start += perPage) {
    const page = document.addPage();
    lines.slice(start, start + perPage).forEach((line, index) => page.drawText(line, { x: 40, y: 800 - index * 16, size: 11, font }));
  }
  return Buffer.from(await document.save());
}

export async function zipOf(entries: { name: string; bytes: Uint8Array }[], options: { password?: string; level?: number } = {}): Promise<Buffer> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), {
    ...(options.password ? { password: options.password, zipCrypto: true } : {}), level: options.level ?? 6,
  });
  for (const entry of entries) await writer.add(entry.name, new Uint8ArrayReader(entry.bytes));
  return Buffer.from(await writer.close());
}

/** A plain RFC 5322 mail with attachments (base64), as a mail client writes it. */
export function mailWith(subject: string, body: string, attachments: { name: string; type: string; bytes: Uint8Array }[]): Buffer {
  const boundary = `b-${subject.length}-${attachments.length}-mamori`;
  const parts = [
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`,
    ...attachments.map((a) => `--${boundary}\r\nContent-Type: ${a.type}; name="${a.name}"\r\nContent-Disposition: attachment; filename="${a.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(a.bytes).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`),
  ];
  return Buffer.from(`From: sender@example.co.jp\r\nTo: someone@partner.example.com\r\nSubject: ${subject}\r\nMessage-ID: <${boundary}@example.co.jp>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts.join('')}--${boundary}--\r\n`);
}
