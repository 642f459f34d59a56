import PDFDocument from 'pdfkit';
import type { ItemResult, ReportData } from './compute.ts';
import { itemLabels, riskScoresUnavailable } from './items.ts';
import { formatPeriod, formatTimestamp, sortedForListing } from './format.ts';

// The report as a PDF: cover with a summary chart, a table of contents with page numbers, one section per
// inspection item (daily chart + table of the top rows), and on every page the title, period and scope above
// and the page number below. Text is set in a Japanese TrueType font embedded as a subset (pdfkit + fontkit).

const page = { width: 595.28, height: 841.89, left: 50, right: 545, top: 70, bottom: 780 };
const colors = { text: '#222222', muted: '#666666', bar: '#1976d2', grid: '#dddddd', rule: '#999999', head: '#f0f0f0' };

type Doc = InstanceType<typeof PDFDocument>;

/** Renders a report as PDF bytes. `fontPath` is a TrueType/OpenType font with Japanese glyphs. */
export function renderReportPdf(data: ReportData, fontPath: string, top: number): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4', bufferPages: true, autoFirstPage: true,
    margins: { top: page.top, bottom: page.height - page.bottom, left: page.left, right: page.width - page.right },
    info: { Title: data.title, Author: 'Mamori', Subject: `${formatPeriod(data)} ${data.scope.description}`, CreationDate: new Date(data.generatedMs) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('jp', fontPath);
  doc.font('jp').fillColor(colors.text);

  cover(doc, data);
  doc.addPage();
  const tocPage = doc.bufferedPageRange().count - 1;
  const sections: { title: string; page: number }[] = [];
  data.items.forEach((item, index) => {
    doc.addPage();
    const title = `${index + 1}. ${itemLabels[item.item].ja}`;
    sections.push({ title: `${title}  (${itemLabels[item.item].en})`, page: doc.bufferedPageRange().count });
    doc.outline.addItem(title);
    section(doc, data, item, title, top);
  });
  tableOfContents(doc, tocPage, sections);
  headersAndFooters(doc, data);
  doc.end();
  return done;
}

function cover(doc: Doc, data: ReportData): void {
  doc.fontSize(22).text(data.title, page.left, 120, { width: page.right - page.left });
  doc.moveDown(0.5).fontSize(11).fillColor(colors.muted).text('Inspection report / 点検報告書').fillColor(colors.text);
  doc.moveDown(1.5).fontSize(12);
  const facts: [string, string][] = [
    ['対象期間', formatPeriod(data)],
    ['対象範囲', data.scope.description],
    ['テンプレート', data.template],
    ['作成日時', `${formatTimestamp(data.generatedMs, data.timezone)} (${data.timezone})`],
  ];
  for (const [label, value] of facts) {
    const y = doc.y;
    doc.fillColor(colors.muted).text(label, page.left, y, { width: 100 }).fillColor(colors.text).text(value, page.left + 110, y, { width: 385 });
    doc.moveDown(0.3);
  }
  doc.moveDown(1).fontSize(14).text('概要（点検項目別の件数）', page.left);
  doc.moveDown(0.5);
  summaryChart(doc, data.items);
}

/** Horizontal bars: one per item, its headline number. */
function summaryChart(doc: Doc, items: ItemResult[]): void {
  const labelWidth = 230;
  const barWidth = page.right - page.left - labelWidth - 70;
  const max = Math.max(1, ...items.map((i) => i.total ?? 0));
  let y = doc.y;
  doc.fontSize(9);
  for (const item of items) {
    const labels = itemLabels[item.item];
    doc.fillColor(colors.text).text(labels.ja, page.left, y + 2, { width: labelWidth - 10, lineBreak: false, ellipsis: true });
    if (item.total === null) {
      doc.fillColor(colors.muted).text('未算出', page.left + labelWidth, y + 2, { lineBreak: false });
    } else {
      const w = Math.max(item.total > 0 ? 1 : 0, (item.total / max) * barWidth);
      doc.rect(page.left + labelWidth, y, w, 12).fill(colors.bar);
      doc.fillColor(colors.text).text(item.total.toLocaleString('en-US'), page.left + labelWidth + w + 5, y + 2, { lineBreak: false });
    }
    y += 18;
  }
  doc.fillColor(colors.text);
  doc.x = page.left;
  doc.y = y + 10;
}

function tableOfContents(doc: Doc, tocPage: number, sections: { title: string; page: number }[]): void {
  doc.switchToPage(tocPage);
  doc.fontSize(16).text('目次', page.left, page.top + 10);
  doc.moveDown(0.8).fontSize(11);
  for (const s of sections) {
    const y = doc.y;
    doc.text(s.title, page.left, y, { width: 420, lineBreak: false, ellipsis: true });
    doc.text(String(s.page), page.right - 50, y, { width: 50, align: 'right', lineBreak: false });
    doc.moveDown(0.6);
  }
}

function section(doc: Doc, data: ReportData, item: ItemResult, title: string, top: number): void {
  const labels = itemLabels[item.item];
  doc.fontSize(15).text(title, page.left, page.top + 10);
  doc.moveDown(0.3).fontSize(9).fillColor(colors.muted).text(labels.en).fillColor(colors.text);
  doc.moveDown(0.6).fontSize(11);
  if (!item.available) {
    doc.text(riskScoresUnavailable.ja).fontSize(9).fillColor(colors.muted).text(riskScoresUnavailable.en).fillColor(colors.text);
    return;
  }
  doc.text(`${labels.totalJa}: ${item.total!.toLocaleString('en-US')}`);
  if (item.item === 'large_prints') doc.fontSize(9).fillColor(colors.muted).text(`${data.largePrintPages}ページを超える印刷ジョブ`).fillColor(colors.text);
  if (item.item === 'admin_actions') {
    doc.fontSize(9).fillColor(colors.muted)
      .text(`記録者: ${data.coveredActors.join(', ') || 'なし'}（この報告書の確認はこれ以外の監査者が行います）`).fillColor(colors.text);
  }
  doc.moveDown(0.6);
  dailyChart(doc, data.days, item.daily);
  table(doc, data, item, top);
}

/** Vertical bars, one per local day of the period. */
function dailyChart(doc: Doc, days: string[], counts: number[]): void {
  const x0 = page.left + 30;
  const width = page.right - x0;
  const height = 90;
  const y0 = doc.y + 5;
  const max = Math.max(1, ...counts);
  doc.fontSize(8).fillColor(colors.muted).text('日別件数', page.left, y0 - 2, { lineBreak: false });
  doc.text(max.toLocaleString('en-US'), page.left, y0 + 10, { width: 26, align: 'right', lineBreak: false });
  doc.text('0', page.left, y0 + 10 + height - 8, { width: 26, align: 'right', lineBreak: false });
  doc.moveTo(x0, y0 + 10 + height).lineTo(page.right, y0 + 10 + height).lineWidth(0.5).stroke(colors.rule);
  const slot = width / Math.max(1, days.length);
  counts.forEach((n, i) => {
    const h = (n / max) * height;
    if (h > 0) doc.rect(x0 + i * slot + slot * 0.15, y0 + 10 + height - h, slot * 0.7, h).fill(colors.bar);
  });
  doc.fillColor(colors.muted);
  days.forEach((date, i) => {
    if (i % 7 === 0 || i === days.length - 1) doc.text(date.slice(5), x0 + i * slot - 6, y0 + 14 + height, { lineBreak: false });
  });
  doc.fillColor(colors.text);
  doc.x = page.left;
  doc.y = y0 + height + 32;
}

function table(doc: Doc, data: ReportData, item: ItemResult, top: number): void {
  const c = itemLabels[item.item].columns;
  const columns: { head: string; width: number; value: (r: ItemResult['rows'][number]) => string; align?: 'right' }[] = [];
  if (c.time) columns.push({ head: '日時', width: 88, value: (r) => (r.timeMs === null ? '' : formatTimestamp(r.timeMs, data.timezone)) });
  columns.push({ head: item.item === 'admin_actions' ? '操作者' : 'PC', width: 85, value: (r) => (item.item === 'admin_actions' ? r.user : r.pc) });
  if (item.item !== 'admin_actions') columns.push({ head: '利用者', width: 70, value: (r) => r.user });
  if (c.category) columns.push({ head: c.category, width: 90, value: (r) => r.category });
  const fixed = columns.reduce((n, col) => n + col.width, 0) + 55 + (c.bytes ? 65 : 0);
  if (c.detail) columns.push({ head: c.detail, width: Math.max(60, page.right - page.left - fixed), value: (r) => r.detail });
  columns.push({ head: c.count, width: 55, value: (r) => r.count.toLocaleString('en-US'), align: 'right' });
  if (c.bytes) columns.push({ head: 'サイズ', width: 65, value: (r) => formatBytes(r.bytes), align: 'right' });

  const rows = sortedForListing(item);
  const shown = rows.slice(0, top);
  doc.fontSize(9).text(rows.length === 0 ? '該当なし' : `上位${shown.length}件 / 全${rows.length}件（全件はCSV）`, page.left);
  if (rows.length === 0) return;
  doc.moveDown(0.3);
  const rowHeight = 14;
  const drawRow = (cells: string[], y: number, head: boolean) => {
    if (head) doc.rect(page.left, y - 2, page.right - page.left, rowHeight).fill(colors.head).fillColor(colors.text);
    let x = page.left;
    columns.forEach((col, i) => {
      doc.text(cells[i] ?? '', x + 2, y + 1, { width: col.width - 4, lineBreak: false, ellipsis: true, align: col.align ?? 'left' });
      x += col.width;
    });
  };
  let y = doc.y;
  drawRow(columns.map((col) => col.head), y, true);
  y += rowHeight;
  for (const row of shown) {
    if (y + rowHeight > page.bottom) {
      doc.addPage();
      y = page.top + 10;
      drawRow(columns.map((col) => col.head), y, true);
      y += rowHeight;
    }
    drawRow(columns.map((col) => col.value(row)), y, false);
    doc.moveTo(page.left, y + rowHeight - 2).lineTo(page.right, y + rowHeight - 2).lineWidth(0.3).stroke(colors.grid);
    y += rowHeight;
  }
  doc.x = page.left;
  doc.y = y + 6;
}

function headersAndFooters(doc: Doc, data: ReportData): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // Writing outside the margins must not start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(8).fillColor(colors.muted);
    doc.text(`${data.title} ｜ 期間: ${formatPeriod(data)} ｜ 範囲: ${data.scope.description}`, page.left, 30, { width: page.right - page.left, lineBreak: false, ellipsis: true });
    doc.moveTo(page.left, 44).lineTo(page.right, 44).lineWidth(0.5).stroke(colors.rule);
    doc.text(`${i + 1} / ${range.count} ページ`, page.left, page.bottom + 25, { width: page.right - page.left, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor(colors.text);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
