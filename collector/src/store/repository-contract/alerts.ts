import { expect, it } from 'vitest';
import { candidate, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const t0 = 1_700_000_000_000;
const minute = 60_000;

/** Alerts: folding, escalation, offline PCs, linked events, lifecycle, bulk, queries (see AlertsRepository). */
export function alertsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('alerts: folds the same rule + PC + user within the window, opens a new alert outside it or for another user', async () => {
    const { repos: { alerts } } = await start();
    const [first] = await alerts.record([candidate(t0)], t0);
    const [folded] = await alerts.record([candidate(t0 + 5 * minute, { count: 3, title: 'three more' })], t0 + 1);
    expect(folded!.id).toBe(first!.id);
    expect(folded).toMatchObject({ count: 4, firstMs: t0, lastMs: t0 + 5 * minute, title: 'three more', status: 'new', user: 'tanaka', pc: 'PC-1' });
    // An earlier occurrence within the window widens the span backwards.
    expect((await alerts.record([candidate(t0 - minute)], t0 + 2))[0]).toMatchObject({ id: first!.id, count: 5, firstMs: t0 - minute });
    const [other] = await alerts.record([candidate(t0, { user: 'suzuki' })], t0 + 3);
    const [later] = await alerts.record([candidate(t0 + 60 * minute)], t0 + 4);
    expect(new Set([first!.id, other!.id, later!.id]).size).toBe(3);
    expect(await alerts.count({})).toBe(3);
  });

  it('alerts: a more severe occurrence escalates the folded alert and reports the severity it had', async () => {
    const { repos: { alerts } } = await start();
    const seen: { created: boolean; escalatedFrom?: string; severity: string }[] = [];
    await alerts.record([candidate(t0), candidate(t0 + minute, { severity: 'high', color: '#f00' }), candidate(t0 + 2 * minute, { severity: 'low' })], t0,
      (recorded) => seen.push({ created: recorded.created, escalatedFrom: recorded.escalatedFrom, severity: recorded.alert.severity }));
    expect(seen).toEqual([
      { created: true, escalatedFrom: undefined, severity: 'medium' },
      { created: false, escalatedFrom: 'medium', severity: 'high' },
      { created: false, escalatedFrom: undefined, severity: 'high' },
    ]);
    expect((await alerts.list({ limit: 10 }))[0]).toMatchObject({ severity: 'high', color: '#f00', count: 3 });
  });

  it('alerts: fold-while-new folds at any age until acknowledged; a fold group narrows folding', async () => {
    const { repos: { alerts } } = await start();
    const integrity = (timeMs: number) => candidate(timeMs, { ruleId: 'integrity.chain_break', kind: 'chain_break', foldWhileNew: true, foldWindowMs: 0 });
    const [a] = await alerts.record([integrity(t0)], t0);
    const [b] = await alerts.record([integrity(t0 + 48 * 60 * minute)], t0);
    expect(b).toMatchObject({ id: a!.id, count: 2 });
    await alerts.acknowledge(a!.id, 'op', t0 + 1);
    const [c] = await alerts.record([integrity(t0 + 49 * 60 * minute)], t0);
    expect(c!.id).not.toBe(a!.id);
    const [tokyo] = await alerts.record([candidate(t0, { foldGroup: 'tokyo' })], t0);
    const [osaka] = await alerts.record([candidate(t0, { foldGroup: 'osaka' })], t0);
    expect(tokyo!.id).not.toBe(osaka!.id);
  });

  it('alerts: foldBy [user] folds one person\'s occurrences on several PCs, also through another collector; the alert keeps its first PC', async () => {
    const { repos: { alerts }, second } = await start();
    const other = await second();
    try {
      const perUser = (timeMs: number, pc: string, user = 'tanaka') => candidate(timeMs, { ruleId: 'pages_day', pc, user, foldBy: ['user'] });
      const [first] = await alerts.record([perUser(t0, 'PC-1')], t0);
      const [folded] = await other.repos.alerts.record([perUser(t0 + minute, 'PC-2')], t0 + 1);
      expect(folded).toMatchObject({ id: first!.id, count: 2, pc: 'PC-1', lastMs: t0 + minute });
      // Another person, or the same rule folding by PC and user, is another alert.
      const [sato] = await alerts.record([perUser(t0, 'PC-2', 'sato')], t0 + 2);
      const [byPc] = await alerts.record([candidate(t0, { ruleId: 'pages_day', pc: 'PC-2' })], t0 + 3);
      expect(new Set([first!.id, sato!.id, byPc!.id]).size).toBe(3);
    } finally {
      await other.close();
    }
  });

  it('alerts: concurrent recorders, also through a second handle on the database (another collector), fold into one alert', async () => {
    const { repos: { alerts }, second } = await start();
    const other = await second();
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? other.repos.alerts : alerts).record([candidate(t0 + i * 1_000)], t0)));
      const all = await alerts.list({ limit: 10 });
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ count: 12, firstMs: t0, lastMs: t0 + 11_000 });
    } finally {
      await other.close();
    }
  });

  it('alerts: links stored events once each, oldest first, with their exact bytes', async () => {
    const { store, repos: { alerts } } = await start();
    const events = await storeEvents(store, 4);
    const ids = events.map((e) => e.id);
    const [alert] = await alerts.record([candidate(t0, { eventIds: [ids[2]!, ids[0]!, ids[0]!] })], t0);
    await alerts.record([candidate(t0 + 1, { eventIds: [ids[0]!, ids[3]!] })], t0);
    const linked = await alerts.events(alert!.id);
    expect(linked.map((e) => e.seq)).toEqual([1, 3, 4]);
    expect(linked[0]).toMatchObject({ agentId: 'agent-1', pc: 'PC-1', user: 'tanaka', kind: events[0]!.kind, timeMs: events[0]!.timeMs });
    expect(linked[0]!.bytes.equals(events[0]!.bytes)).toBe(true);
    expect(await alerts.events(alert!.id, 2)).toHaveLength(2);
  });

  it('alerts: an offline alert counts distinct PCs and keeps the site and day in its title', async () => {
    const { repos: { alerts } } = await start();
    const offline = (pcs: string[]) => candidate(t0, {
      ruleId: 'offline', kind: 'agent_offline', pc: '', user: '', foldGroup: 'tokyo 2023-11-14', title: `${pcs.length} PCs offline at site tokyo (2023-11-14)`,
      offlinePcs: pcs.map((pc, i) => ({ agentId: `agent-${pc}`, pc, sinceMs: t0 - i })),
    });
    await alerts.record([offline(['PC-A', 'PC-B'])], t0);
    const [alert] = await alerts.record([offline(['PC-B', 'PC-C'])], t0 + 1);
    expect(alert).toMatchObject({ count: 3, title: '3 PCs offline at site tokyo (2023-11-14)' });
    expect((await alerts.offlinePcs(alert!.id)).map((p) => p.pc)).toEqual(['PC-B', 'PC-C', 'PC-A']);
  });

  it('alerts: acknowledge then resolve, refusing a step the alert is past and unknown ids', async () => {
    const { repos: { alerts } } = await start();
    const [alert] = await alerts.record([candidate(t0)], t0);
    expect(await alerts.acknowledge(alert!.id, 'op', t0 + 1, 'looking')).toMatchObject({ ok: true, alert: { status: 'acknowledged', acknowledgedBy: 'op', acknowledgedMs: t0 + 1, note: 'looking' } });
    expect(await alerts.acknowledge(alert!.id, 'op', t0 + 2)).toMatchObject({ ok: false, reason: 'wrong_state' });
    expect(await alerts.resolve(alert!.id, 'false_positive', 'lead', t0 + 3)).toMatchObject({
      ok: true, alert: { status: 'resolved', resolution: 'false_positive', resolvedBy: 'lead', resolvedMs: t0 + 3, note: 'looking' },
    });
    expect(await alerts.resolve(alert!.id, 'true_positive', 'lead', t0 + 4)).toMatchObject({ ok: false, reason: 'wrong_state' });
    expect(await alerts.acknowledge(999_999, 'op', t0)).toEqual({ ok: false, reason: 'not_found' });
    // A resolved alert takes no more occurrences: the next one opens a new alert.
    expect((await alerts.record([candidate(t0 + 1)], t0))[0]!.id).not.toBe(alert!.id);
  });

  it('alerts: bulk acknowledge by ids and resolve by filter, all or none, skipping alerts past that state', async () => {
    const { repos: { alerts } } = await start();
    const made = await alerts.record(['PC-1', 'PC-2', 'PC-3'].map((pc, i) => candidate(t0 + i, { pc })), t0);
    const ids = made.map((a) => a.id);
    await alerts.resolve(ids[2]!, 'true_positive', 'x', t0);
    const acked = await alerts.bulk({ ids: [ids[0]!, ids[2]!, 999_999] }, { action: 'acknowledge' }, 'op', t0 + 1, 'bulk');
    expect(acked).toMatchObject({ ok: true, skipped: [ids[2], 999_999] });
    expect(acked.ok && acked.changed.map((a) => [a.id, a.status, a.note])).toEqual([[ids[0], 'acknowledged', 'bulk']]);
    const resolved = await alerts.bulk({ filter: { pc: 'pc-' } }, { action: 'resolve', resolution: 'false_positive' }, 'op', t0 + 2);
    expect(resolved.ok && resolved.changed.map((a) => a.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect(await alerts.count({ status: ['resolved'] })).toBe(3);
  });

  it('alerts: lists newest first with filters and pages, counts, kinds, and walks every match in chunks', async () => {
    const { repos: { alerts, directory } } = await start();
    await directory.replace([{ pc: 'PC-ACCT-07', department: 'Accounting', site: 'tokyo' }], t0);
    await alerts.record([
      candidate(t0, { pc: 'PC-ACCT-07', severity: 'high' }),
      candidate(t0 + minute, { pc: 'PC-DEV-01', user: 'Sato_Taro', kind: 'mail' }),
      candidate(t0 + 2 * minute, { pc: 'PC-DEV-02', user: 'satoXtaro' }),
    ], t0);
    expect((await alerts.list({ limit: 10 })).map((a) => a.pc)).toEqual(['PC-DEV-02', 'PC-DEV-01', 'PC-ACCT-07']);
    expect((await alerts.list({ limit: 1, offset: 1 })).map((a) => a.pc)).toEqual(['PC-DEV-01']);
    expect((await alerts.list({ pc: 'acct', limit: 10 }))[0]).toMatchObject({ pc: 'PC-ACCT-07', department: 'Accounting', site: 'tokyo' });
    // The caller's _ is literal, not a wildcard.
    expect((await alerts.list({ user: 'sato_', limit: 10 })).map((a) => a.user)).toEqual(['Sato_Taro']);
    expect(await alerts.count({ department: 'Accounting' })).toBe(1);
    expect(await alerts.count({ site: 'osaka' })).toBe(0);
    expect(await alerts.count({ severity: ['high', 'low'] })).toBe(1);
    expect(await alerts.count({ kind: 'mail' })).toBe(1);
    expect(await alerts.count({ fromMs: t0 + minute })).toBe(2);
    expect(await alerts.count({ toMs: t0 })).toBe(1);
    expect(await alerts.kinds()).toEqual(['file_copy', 'mail']);
    const chunks: number[][] = [];
    for await (const chunk of alerts.chunks({ pc: 'PC-' }, 2)) chunks.push(chunk.map((a) => a.lastMs - t0));
    expect(chunks).toEqual([[2 * minute, minute], [0]]);
    expect(await alerts.openByDepartment()).toEqual([{ department: 'Accounting', bySeverity: { critical: 0, high: 1, medium: 0, low: 0, info: 0 }, total: 1 }]);
  });

  it('alerts: summary counts alerts opened per local day and severity, today, and the top PCs and users', async () => {
    const { repos: { alerts } } = await start();
    const day = 86_400_000;
    const jst = 9 * 3_600_000;
    // 2023-11-15 00:30 JST is still 11-14 in UTC: the local offset decides the day.
    const now = Date.UTC(2023, 10, 14, 15, 30);
    await alerts.record([candidate(t0, { pc: 'PC-A' })], now - day);
    await alerts.record([candidate(t0, { pc: 'PC-B', severity: 'high' }), candidate(t0, { pc: 'PC-B', user: 'sato' })], now);
    const summary = await alerts.summary(now, 7, jst);
    expect(summary.today).toEqual({ critical: 0, high: 1, medium: 1, low: 0, info: 0 });
    expect(summary.byDay).toEqual([
      { day: '2023-11-14', severity: 'medium', count: 1 },
      { day: '2023-11-15', severity: 'high', count: 1 },
      { day: '2023-11-15', severity: 'medium', count: 1 },
    ]);
    expect(summary.topPcs).toEqual([{ pc: 'PC-B', count: 2 }, { pc: 'PC-A', count: 1 }]);
    expect(summary.topUsers).toEqual([{ user: 'tanaka', count: 2 }, { user: 'sato', count: 1 }]);
  });

  it('alerts: finds the integrity findings behind an integrity alert within its time span', async () => {
    const { store, repos: { alerts } } = await start();
    await store.recordIntegrityFinding({ agentId: 'a', pc: 'PC-1', timeMs: t0, kind: 'chain_break', detail: 'in' });
    await store.recordIntegrityFinding({ agentId: 'a', pc: 'PC-1', timeMs: t0 + 10 * minute, kind: 'chain_break', detail: 'later' });
    await store.recordIntegrityFinding({ agentId: 'b', pc: 'PC-2', timeMs: t0, kind: 'chain_break', detail: 'other pc' });
    expect(await alerts.findings({ pc: 'PC-1', kind: 'chain_break', firstMs: t0 - 1, lastMs: t0 + minute }))
      .toEqual([{ agentId: 'a', timeMs: t0, kind: 'chain_break', detail: 'in', count: 1 }]);
  });
}
