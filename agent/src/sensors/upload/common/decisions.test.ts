import { describe, expect, it } from 'vitest';
import { PolicySetSchema, uploadRulesFor } from '@mamori/policies';
import { DecisionReportSchema, decisionEvent } from './decisions.ts';

const set = PolicySetSchema.parse({
  categories: { file_transfer: ['firestorage.jp'], personal_cloud: ['drive.google.com'] },
  upload: { enforcement: { categories: { file_transfer: 'block', personal_cloud: 'warn' } } },
});
const now = Date.parse('2026-12-01T03:00:00Z');
const table = uploadRulesFor(set.upload, set.categories, 'PC-1', 'tanaka', now);
const report = (extra: Record<string, unknown>) => DecisionReportSchema.parse({
  reportId: 'd1', host: 'firestorage.jp', pageUrl: 'https://firestorage.jp/', outcome: 'block', via: 'input',
  files: [{ name: '顧客一覧.xlsx', size: 2048 }], ...extra,
});

describe('upload decision events', () => {
  it('names the agent’s rule, the files, the way in, and the user’s reason', () => {
    expect(decisionEvent(report({}), table, 'tanaka', now).draft).toEqual({
      user: 'tanaka',
      policyDecision: {
        subject: 'upload', decision: 'block', rule: 'upload.enforcement.categories.file_transfer', untilMs: 0, category: 'file_transfer',
        detail: '顧客一覧.xlsx (2048 bytes) via input into firestorage.jp (file_transfer)',
      },
    });
    const warned = decisionEvent(report({ host: 'drive.google.com', outcome: 'warn_confirmed', via: 'drop', reason: '取引先へ提出' }), table, 'tanaka', now);
    expect(warned.draft.policyDecision?.detail).toBe('顧客一覧.xlsx (2048 bytes) via drop into drive.google.com (personal_cloud); reason given: 取引先へ提出');
  });

  it('records a browser outcome the agent’s rules do not give, saying what the rules say', () => {
    const odd = decisionEvent(report({ host: 'drive.google.com', outcome: 'audit' }), table, 'tanaka', now);
    expect(odd.draft.policyDecision).toMatchObject({ decision: 'audit', rule: 'upload.enforcement.categories.personal_cloud' });
    expect(odd.draft.policyDecision?.detail).toMatch(/; the agent's rules say warn$/);
  });

  it('refuses malformed reports', () => {
    expect(DecisionReportSchema.safeParse({ ...report({}), outcome: 'allow' }).success).toBe(false);
    expect(DecisionReportSchema.safeParse({ ...report({}), host: 'evil.example/path' }).success).toBe(false);
    expect(DecisionReportSchema.safeParse({ ...report({}), files: [] }).success).toBe(false);
    expect(DecisionReportSchema.safeParse({ ...report({}), extra: 1 }).success).toBe(false);
  });
});
