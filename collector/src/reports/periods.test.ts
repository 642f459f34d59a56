import { describe, expect, it } from 'vitest';
import { lastCompletePeriod, localDays, periodAfter, periodContaining } from './periods.ts';

const tokyo = 'Asia/Tokyo';

describe('report periods', () => {
  it('a month in Tokyo runs from local midnight on the 1st to the next 1st', () => {
    const period = periodContaining('monthly', Date.UTC(2026, 9, 15, 3), tokyo);
    expect(new Date(period.fromMs).toISOString()).toBe('2026-09-30T15:00:00.000Z');
    expect(new Date(period.toMs).toISOString()).toBe('2026-10-31T15:00:00.000Z');
    expect(localDays(period.fromMs, period.toMs, tokyo)).toHaveLength(31);
  });

  it('a week runs Monday to Sunday; the last complete one ends before the current week', () => {
    // 2026-11-25 is a Wednesday.
    const now = Date.UTC(2026, 10, 25, 3);
    expect(new Date(periodContaining('weekly', now, tokyo).fromMs).toISOString()).toBe('2026-11-22T15:00:00.000Z');
    const last = lastCompletePeriod('weekly', now, tokyo);
    expect(new Date(last.fromMs).toISOString()).toBe('2026-11-15T15:00:00.000Z');
    expect(last.toMs).toBe(periodContaining('weekly', now, tokyo).fromMs);
  });

  it('follows DST: a March month in New York has one 23-hour day', () => {
    const period = periodContaining('monthly', Date.UTC(2026, 2, 10), 'America/New_York');
    const days = localDays(period.fromMs, period.toMs, 'America/New_York');
    expect(days).toHaveLength(31);
    expect(days.filter((d) => d.toMs - d.fromMs === 23 * 3_600_000).map((d) => d.date)).toEqual(['2026-03-08']);
    expect(periodAfter('monthly', period.fromMs, 'America/New_York').fromMs).toBe(period.toMs);
  });

  it('December rolls into January', () => {
    const period = periodContaining('monthly', Date.UTC(2026, 11, 20), tokyo);
    expect(new Date(period.toMs).toISOString()).toBe('2026-12-31T15:00:00.000Z');
  });
});
