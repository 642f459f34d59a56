import { expect, it } from 'vitest';
import type { NewReport } from '../repositories/reports.ts';
import type { RepositoriesUnderTest } from './subject.ts';

function report(overrides: Partial<NewReport> = {}): NewReport {
  return {
    template: 'monthly_inspection', title: '月次点検', periodKind: 'monthly', fromMs: 1_000, toMs: 2_000, timezone: 'Asia/Tokyo',
    scope: { description: 'PC名 ACCT-*（3台）', pcCount: 3 }, items: ['usb_use', 'admin_actions'], totals: { usb_use: 4, admin_actions: null },
    coveredActors: ['alice'], generatedMs: 2_500, generatedBy: 'system:scheduler', pdfSha256: 'aa'.repeat(32), csvSha256: 'bb'.repeat(32), ...overrides,
  };
}

/** Inspection reports: stored once per scheduled period with their files, one review each, cursors that never move back. */
export function reportsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('reports: a scheduled period is stored once with its files and moves its cursor forward only; reviews once; every handle sees them', async () => {
    const subject = await start();
    const { reports } = subject.repos;
    expect(await reports.list({ limit: 10 })).toEqual([]);
    const files = { pdf: Buffer.from('%PDF-1.7 report'), csv: Buffer.from('\ufeffitem,period\n') };
    const id = (await reports.insert(report(), files, 2_000))!;
    expect(id).toBeGreaterThan(0);
    expect(await reports.scheduledExists('monthly_inspection', 'monthly', 1_000)).toBe(true);
    expect(await reports.scheduledExists('monthly_inspection', 'monthly', 2_000)).toBe(false);
    // The same period again (another collector, a restart mid-run): not stored; the cursor does not go back.
    expect(await reports.insert(report({ title: 'again' }), files, 1_500)).toBeUndefined();
    expect(await reports.scheduleCursor('monthly_inspection')).toEqual({ periodKind: 'monthly', nextFromMs: 2_000 });
    await reports.setScheduleCursor('monthly_inspection', 'monthly', 1_000);
    expect(await reports.scheduleCursor('monthly_inspection')).toEqual({ periodKind: 'monthly', nextFromMs: 2_000 });
    await reports.setScheduleCursor('monthly_inspection', 'weekly', 1_200);
    expect(await reports.scheduleCursor('monthly_inspection')).toEqual({ periodKind: 'weekly', nextFromMs: 1_200 });
    expect(await reports.scheduleCursor('other')).toBeUndefined();
    // On-demand reports of the same period are each stored.
    const first = (await reports.insert(report({ periodKind: 'on_demand' }), files))!;
    const second = (await reports.insert(report({ periodKind: 'on_demand', template: 'weekly_usb' }), files))!;
    await reports.setAudit(id, 42);

    const stored = await reports.get(id);
    expect(stored).toEqual({ ...report(), id, auditId: 42, review: null });
    expect((await reports.file(id, 'pdf'))!.equals(files.pdf)).toBe(true);
    expect((await reports.file(id, 'csv'))!.equals(files.csv)).toBe(true);
    expect(await reports.file(999_999, 'pdf')).toBeUndefined();
    expect((await reports.list({ limit: 10 })).map((r) => r.id)).toEqual([second, first, id]);
    expect((await reports.list({ limit: 10, template: 'monthly_inspection' })).map((r) => r.id)).toEqual([first, id]);
    expect((await reports.list({ limit: 1, beforeId: second })).map((r) => r.id)).toEqual([first]);

    const review = { reviewer: 'bob', reviewerRole: 'auditor', note: '確認しました', reviewedMs: 3_000, auditId: 43 };
    expect(await reports.insertReview(id, review)).toBe(true);
    expect(await reports.insertReview(id, { ...review, reviewer: 'carol' })).toBe(false);
    const other = await subject.second();
    try {
      expect((await other.repos.reports.get(id))!.review).toEqual(review);
      expect(await other.repos.reports.scheduledExists('monthly_inspection', 'monthly', 1_000)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('reports: the PCs known are every agent\'s PC, once, in order', async () => {
    const subject = await start();
    for (const [i, pc] of ['PC-B', 'PC-A', 'PC-B'].entries()) {
      await subject.store.createAgent({ id: `a-${i}`, pc, hardwareId: `hw-${i}`, os: 'linux', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: 1, previousAgentId: null });
    }
    expect(await subject.repos.reports.knownPcs()).toEqual(['PC-A', 'PC-B']);
  });
}
