import { describe, expect, it } from 'vitest';
import { escapeParamValue, formatSyslog5424, headerField, octetCountedFrame, syslogTimestamp } from './syslog-5424.ts';

describe('RFC 5424 formatting with RFC 6587 octet counting', () => {
  const message = {
    facility: 16, severity: 4, timeMs: Date.UTC(2026, 10, 2, 0, 15, 0, 123), hostname: 'PC-ACCT-07', appName: 'mamori',
    msgId: 'file_copy', structuredData: [['mamori@32473', { event_id: 'ag_1:7', user: 'ta"na]ka\\' }]] as [string, Record<string, string>][],
    message: '{"message":"見積書.pdf"}',
  };

  it('writes PRI, version, UTC timestamp, header fields, escaped structured data and a BOM before UTF-8 MSG', () => {
    expect(formatSyslog5424(message)).toBe(
      '<132>1 2026-11-02T00:15:00.123Z PC-ACCT-07 mamori - file_copy [mamori@32473 event_id="ag_1:7" user="ta\\"na\\]ka\\\\"] \uFEFF{"message":"見積書.pdf"}',
    );
  });

  it('uses NILVALUE for a host name that is not printable ASCII (it stays in structured data)', () => {
    expect(headerField('PC-経理-07', 255)).toBe('-');
    expect(headerField('', 48)).toBe('-');
    expect(headerField('a'.repeat(60), 48)).toBe('a'.repeat(48));
    expect(escapeParamValue('a]b"c\\d')).toBe('a\\]b\\"c\\\\d');
  });

  it('counts octets, not characters, so a receiver splits multi-byte messages where they end', () => {
    const text = formatSyslog5424(message);
    const frame = octetCountedFrame(text);
    const space = frame.indexOf(0x20);
    const length = Number(frame.subarray(0, space).toString('ascii'));
    expect(length).toBe(Buffer.byteLength(text, 'utf8'));
    expect(length).toBeGreaterThan(text.length);
    expect(frame.subarray(space + 1).toString('utf8')).toBe(text);
    expect(frame.length).toBe(space + 1 + length);
  });

  it('writes the timestamp exactly as toISOString does, across minutes, days, years and out of order', () => {
    const times = [0, 999, 59_999, 60_000, -1, -60_001, Date.UTC(2026, 11, 31, 23, 59, 59, 999), 253_402_300_799_999, 253_402_300_800_000];
    for (let t = Date.UTC(2026, 10, 30, 23, 58); t < Date.UTC(2026, 11, 1, 0, 2); t += 7_919) times.push(t, t - 3_600_000);
    for (const t of times) expect(syslogTimestamp(t)).toBe(new Date(t).toISOString());
  });
});
