// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryFields } from '../components/entry-fields.tsx';
import { actionLabel, localiseDetail } from './event-labels.ts';
import { I18nProvider, useI18n } from './i18n.tsx';
import { en } from './messages-en.ts';
import { ja } from './messages-ja.ts';
import { fromZonedInput, toZonedInput } from './zoned-time.ts';

afterEach(cleanup);

const tJa = (key: keyof typeof ja, values?: Record<string, string | number>) => ja[key].replace(/\{(\w+)\}/g, (_, n: string) => String(values?.[n]));
const tEn = (key: keyof typeof en, values?: Record<string, string | number>) => en[key].replace(/\{(\w+)\}/g, (_, n: string) => String(values?.[n]));

describe('readable events', () => {
  it('shows recorded actions in the reader language, unknown ones as they came', () => {
    expect(actionLabel(tJa, 'relayed')).toBe('送信済み');
    expect(actionLabel(tJa, 'exception_applied')).toBe('例外を適用');
    expect(actionLabel(tEn, 'BLOCKED')).toBe('Blocked');
    expect(actionLabel(tJa, 'something_new')).toBe('something_new');
  });

  it("labels the words of a log entry's detail, leaving the PC's values alone", () => {
    expect(localiseDetail(tJa, 'mail', 'from a@corp.example · to b@x.example, c@x.example · 📎 名簿.xlsx')).toBe('差出人: a@corp.example · 宛先: b@x.example, c@x.example · 添付ファイル: 名簿.xlsx');
    expect(localiseDetail(tJa, 'file_copy', 'removable · /media/usb · serial SN1 · from /home/u/a.xlsx')).toBe('removable · /media/usb · シリアル番号: SN1 · コピー元: /home/u/a.xlsx');
    expect(localiseDetail(tEn, 'print_job', 'PDF · 12 pages')).toBe('PDF · Pages: 12');
  });

  it('renders a payload as labelled fields in Japanese: nested device fields, sizes, flags and actions', () => {
    render(<I18nProvider locale="ja"><EntryFields value={{
      destinationPath: '/media/usb/名簿.xlsx', sizeBytes: 2048, operation: 'created', device: { serial: 'SN1' }, malformed: false, bytes: 'AAAA',
      attachments: [{ fileName: 'a.xlsx', sizeBytes: 1024, sha256: 'ff' }, { fileName: 'b.pdf', sizeBytes: 2048 }],
    }} /></I18nProvider>);
    const row = (label: string) => screen.getByText(label).closest('div')!.querySelector('dd')!.textContent;
    expect(row('保存先')).toBe('/media/usb/名簿.xlsx');
    expect(row('サイズ')).toBe('2 KB');
    expect(row('操作')).toBe('作成');
    expect(row('シリアル番号')).toBe('SN1');
    expect(row('不正な形式')).toBe('いいえ');
    expect(row('添付ファイル')).toBe('a.xlsx (1 KB), b.pdf (2 KB)');
    expect(screen.queryByText('bytes')).toBeNull();
    expect(screen.queryByText('destinationPath')).toBeNull();
  });
});

function Shown({ ms }: { ms: number }) {
  const { formatDate } = useI18n();
  return <span data-testid="shown">{formatDate(ms)}</span>;
}

describe('times in the organisation time zone', () => {
  const instant = Date.UTC(2026, 10, 30, 15, 30, 0); // 2026-12-01 00:30 in Tokyo, 2026-11-30 15:30 in London
  it('formats one instant in the org zone, 24 h, whatever the browser zone', () => {
    const { unmount } = render(<I18nProvider locale="ja" timeZone="Asia/Tokyo"><Shown ms={instant} /></I18nProvider>);
    expect(screen.getByTestId('shown').textContent).toBe('2026/12/01 00:30:00');
    unmount();
    render(<I18nProvider locale="en" timeZone="Europe/London"><Shown ms={instant} /></I18nProvider>);
    expect(screen.getByTestId('shown').textContent).toBe('30/11/2026, 15:30:00');
  });

  it('reads and writes date pickers in the org zone, across a DST change', () => {
    expect(toZonedInput(instant, 'Asia/Tokyo')).toBe('2026-12-01T00:30');
    expect(fromZonedInput('2026-12-01T00:30', 'Asia/Tokyo')).toBe(instant);
    // New York: 2026-03-08 03:30 EDT is after the spring-forward jump.
    expect(fromZonedInput('2026-03-08T03:30', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(fromZonedInput('2026-03-07T12:00', 'America/New_York')).toBe(Date.UTC(2026, 2, 7, 17, 0));
    expect(fromZonedInput('', 'Asia/Tokyo')).toBeUndefined();
  });
});
