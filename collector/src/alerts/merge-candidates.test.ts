import { describe, expect, it } from 'vitest';
import { mergeCandidates } from './alert-service.ts';
import type { AlertCandidate } from './types.ts';

const base: AlertCandidate = {
  ruleId: 'print.daily', ruleName: 'pages per day', kind: 'print_job', severity: 'medium', color: '#f90', pc: 'PC-1', user: 'tanaka',
  agentId: 'ag', title: 't', firstMs: 1_000, lastMs: 1_000, count: 1, eventIds: [1], foldWindowMs: 60_000,
};

describe('mergeCandidates', () => {
  it('folds a burst of the same rule, PC, user and severity into one candidate with every event', () => {
    const burst = Array.from({ length: 500 }, (_, i) => ({ ...base, firstMs: 1_000 + i, lastMs: 1_000 + i, eventIds: [i + 1], title: `t${i}` }));
    const [one, ...rest] = mergeCandidates(burst);
    expect(rest).toHaveLength(0);
    expect(one).toMatchObject({ count: 500, firstMs: 1_000, lastMs: 1_499, title: 't499' });
    expect(one!.eventIds).toHaveLength(500);
    expect(burst[0]!.eventIds).toEqual([1]); // inputs untouched
  });

  it('keeps apart other users, other severities (escalations) and times beyond the fold window', () => {
    const merged = mergeCandidates([
      base, { ...base, user: 'sato' }, { ...base, severity: 'high' }, { ...base, eventIds: [9] }, { ...base, firstMs: 200_000, lastMs: 200_000 },
    ]);
    expect(merged.map((c) => [c.user, c.severity, c.count])).toEqual([
      ['tanaka', 'medium', 2], ['sato', 'medium', 1], ['tanaka', 'high', 1], ['tanaka', 'medium', 1],
    ]);
  });

  it('folds integrity candidates of one kind at any distance in time, and keeps other kinds apart', () => {
    const integrity = { ...base, ruleId: 'integrity.chain_break', kind: 'chain_break', user: '', eventIds: [], foldWhileNew: true };
    const merged = mergeCandidates([
      integrity, { ...integrity, firstMs: 9_000_000, lastMs: 9_000_000, count: 5 }, { ...integrity, ruleId: 'integrity.fork', kind: 'fork' },
    ]);
    expect(merged.map((c) => [c.ruleId, c.count, c.firstMs, c.lastMs])).toEqual([
      ['integrity.chain_break', 6, 1_000, 9_000_000], ['integrity.fork', 1, 1_000, 1_000],
    ]);
  });
});
