import { describe, expect, it } from 'vitest';
import { sampleAlert } from '../../api/fake-api-client.ts';
import { matchesFilter, mergeAlert } from './alert-filter.ts';

const ids = (list: { id: number }[]) => list.map((a) => a.id);

describe('mergeAlert', () => {
  const page = [sampleAlert({ id: 5, lastMs: 500 }), sampleAlert({ id: 4, lastMs: 400 }), sampleAlert({ id: 3, lastMs: 300 })];

  it('puts a new alert on top of page 1 and keeps the page size, in the order the collector lists', () => {
    expect(ids(mergeAlert(page, sampleAlert({ id: 9, lastMs: 900 }), { page: 1, limit: 3 }))).toEqual([9, 5, 4]);
    // Same event time: the newer alert (higher id) first, as in ORDER BY last_ms DESC, id DESC.
    expect(ids(mergeAlert(page, sampleAlert({ id: 6, lastMs: 500 }), { page: 1, limit: 4 }))).toEqual([6, 5, 4, 3]);
  });

  it('on a later page, updates an alert in place but lets one that grew past the page move away (to page 1)', () => {
    expect(ids(mergeAlert(page, sampleAlert({ id: 9, lastMs: 900 }), { page: 2, limit: 3 }))).toEqual([5, 4, 3]);
    expect(mergeAlert(page, sampleAlert({ id: 4, lastMs: 400, status: 'acknowledged' }), { page: 2, limit: 3 })[1]!.status).toBe('acknowledged');
    expect(ids(mergeAlert(page, sampleAlert({ id: 3, lastMs: 950 }), { page: 2, limit: 3 }))).toEqual([5, 4]);
  });

  it('matches PC and user by part of the name in any case, like the collector', () => {
    expect(matchesFilter(sampleAlert({ pc: 'PC-ACCT-07', user: 'tanaka' }), { pc: 'acct', user: 'TANA' })).toBe(true);
    expect(matchesFilter(sampleAlert({ pc: 'PC-ACCT-07' }), { pc: 'sales' })).toBe(false);
  });
});
