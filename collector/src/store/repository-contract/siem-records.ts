import { expect, it } from 'vitest';
import { agentId, candidate, type RepositoriesUnderTest } from './subject.ts';

const t0 = 1_700_000_000_000;

/** SIEM's alert and audit streams: records after a cursor, oldest first; cursors per sink and stream, forward only. */
export function siemRecordsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('siem records: alerts and audit entries after an id, oldest first, with the chain hash; cursors per sink and stream move forward only', async () => {
    const subject = await start();
    const { siemRecords, alerts } = subject.repos;
    expect(await siemRecords.lastId('alerts')).toBe(0);
    expect(await siemRecords.lastId('audit')).toBe(0);
    const [first] = await alerts.record([candidate(t0, { user: 'sato' })], t0);
    const [second] = await alerts.record([candidate(t0 + 1, { ruleId: 'print-burst', ruleName: 'Print burst', kind: 'print_job', severity: 'high' })], t0 + 5);
    const audit1 = await subject.store.appendAudit({ timeMs: t0, actor: 'admin', action: 'user.add', entry: { user: 'sato' } });
    const audit2 = await subject.store.appendAudit({ timeMs: t0 + 1, actor: 'sato', action: 'alert.resolve', entry: { id: first!.id } });
    expect(await siemRecords.alertsAfter(0, 10)).toEqual([
      { id: first!.id, ruleId: 'usb-copy', ruleName: 'USB copy', kind: 'file_copy', severity: 'medium', pc: 'PC-1', user: 'sato', agentId, title: `copy at ${t0}`,
        count: 1, firstMs: t0, createdMs: t0 },
      expect.objectContaining({ id: second!.id, ruleId: 'print-burst', severity: 'high', user: 'tanaka', createdMs: t0 + 5 }),
    ]);
    expect((await siemRecords.alertsAfter(first!.id, 10)).map((a) => a.id)).toEqual([second!.id]);
    expect(await siemRecords.alertsAfter(0, 1)).toHaveLength(1);
    const audit = await siemRecords.auditAfter(0, 10);
    expect(audit.map((e) => [e.id, e.actor, e.action, JSON.parse(e.entryJson)])).toEqual([
      [audit1.id, 'admin', 'user.add', { user: 'sato' }], [audit2.id, 'sato', 'alert.resolve', { id: first!.id }],
    ]);
    expect(audit[1]!.hash).toBe(audit2.hash.toString('hex'));
    expect(await siemRecords.auditAfter(audit2.id, 10)).toEqual([]);
    expect(await siemRecords.lastId('alerts')).toBe(second!.id);
    expect(await siemRecords.lastId('audit')).toBe(audit2.id);
    await siemRecords.advance('soc', 'alerts', second!.id, 2, t0);
    await siemRecords.advance('soc', 'alerts', first!.id, 1, t0 + 1);
    await siemRecords.advance('soc', 'audit', audit1.id, 1, t0);
    expect(await siemRecords.cursor('soc', 'alerts')).toEqual({ lastId: second!.id, exported: 2 });
    expect(await siemRecords.cursor('soc', 'audit')).toEqual({ lastId: audit1.id, exported: 1 });
    expect(await siemRecords.cursor('other', 'audit')).toBeUndefined();
  });
}
