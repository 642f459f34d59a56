import { describe, expect, it } from 'vitest';
import type { PrintJobRecord } from './print-job.ts';
import { decidePrintJob, printerMatches } from './print-policy.ts';

const job = (over: Partial<PrintJobRecord> = {}): PrintJobRecord => ({
  key: 'k', jobId: 1, documentName: 'd', printer: 'PDF', user: 'tanaka', pages: 10, copies: 1, sheets: 10,
  sizeBytes: 1, submittedMs: 0, completedMs: 0, state: 'completed', pagesKnown: true, ...over,
});

describe('decidePrintJob', () => {
  it('logs when no rule matches, and without a policy', () => {
    expect(decidePrintJob(undefined, job(), 0)).toMatchObject({ action: 'log', rule: '' });
    expect(decidePrintJob({ enabled: true, per_job: { pages: 50, action: 'cancel' } }, job({ pages: 50 }), 0).action).toBe('log');
  });

  it('applies the per-job limit to impressions, only once pages are counted', () => {
    const policy = { enabled: true, per_job: { pages: 50, action: 'cancel' as const } };
    expect(decidePrintJob(policy, job({ pages: 51 }), 0)).toMatchObject({ action: 'cancel', rule: 'print.per_job' });
    expect(decidePrintJob(policy, job({ pages: 0, pagesKnown: false, state: 'pending' }), 0).action).toBe('log');
  });

  it('counts today\'s earlier pages for the daily limit, and stops a pending job of a user already at the limit', () => {
    const policy = { enabled: true, per_user_per_day: { pages: 100, action: 'hold' as const } };
    expect(decidePrintJob(policy, job({ pages: 10 }), 90).action).toBe('log');
    expect(decidePrintJob(policy, job({ pages: 11 }), 90)).toMatchObject({ action: 'hold', rule: 'print.per_user_per_day' });
    expect(decidePrintJob(policy, job({ pages: 0, pagesKnown: false, state: 'pending' }), 100).action).toBe('hold');
    expect(decidePrintJob(policy, job({ pages: 0, pagesKnown: false, state: 'pending' }), 99).action).toBe('log');
  });

  it('matches disallowed printers case-insensitively with *, and takes the strongest action', () => {
    expect(printerMatches('Home-*', 'home-laser')).toBe(true);
    expect(printerMatches('a.b', 'axb')).toBe(false);
    const policy = {
      enabled: true, per_job: { pages: 5, action: 'alert' as const },
      disallowed_printers: { printers: ['Microsoft Print to PDF'], action: 'cancel' as const },
    };
    expect(decidePrintJob(policy, job({ printer: 'microsoft print to pdf', pages: 60 }), 0))
      .toMatchObject({ action: 'cancel', rule: 'print.disallowed_printers' });
  });
});
