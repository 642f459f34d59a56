import { expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { candidate, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const print = (seq: number): Partial<Event> => ({ printJob: { jobId: seq, documentName: `doc-${seq}.pdf`, printer: 'PDF', pages: seq, copies: 1, state: 'completed' } });
const copy = (seq: number): Partial<Event> => ({ fileCopy: { sourcePath: `/home/t/${seq}`, destinationPath: `/media/S/${seq}`, destinationKind: 'removable', sizeBytes: seq } });

/** Alert windows: what a collector taking the projection over replays into its threshold windows. */
export function alertWindowsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('alert windows: projected events of the asked kinds after a time, decoded, in time order and chunks; none past the projection', async () => {
    const { store, repos: { alertWindows } } = await start();
    // Seq 1–8: prints on odd seqs, USB copies on even ones; only the first six are projected.
    const stored = await storeEvents(store, 8, (seq) => (seq % 2 ? print(seq) : copy(seq)));
    await store.projectPending(6);
    const printKind = stored[0]!.kind;
    const chunks: { seq: number; pages: number }[][] = [];
    for await (const chunk of alertWindows.projectedEvents({ kinds: [printKind], fromMs: stored[0]!.timeMs, chunk: 1 })) {
      chunks.push(chunk.map(({ stored: s, event }) => ({ seq: s.seq, pages: event.printJob!.pages })));
    }
    // Seq 1 is not after fromMs; 7 is not projected yet; the copies are another kind.
    expect(chunks).toEqual([[{ seq: 3, pages: 3 }], [{ seq: 5, pages: 5 }]]);
    const all: number[] = [];
    for await (const chunk of alertWindows.projectedEvents({ kinds: [printKind, stored[1]!.kind], fromMs: 0, chunk: 100 })) all.push(...chunk.map((e) => e.stored.seq));
    expect(all.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(stored[1]!.kind).not.toBe(printKind);
  });

  it('alert windows: the events already counted into alerts of the asked rules that reach past a time', async () => {
    const { store, repos: { alerts, alertWindows } } = await start();
    const stored = await storeEvents(store, 4);
    const [e1, e2, e3, e4] = stored.map((e) => e.id);
    await alerts.record([candidate(stored[1]!.timeMs, { ruleId: 'pages_day', firstMs: stored[0]!.timeMs, eventIds: [e1!, e2!], foldBy: ['user'] })], 1);
    await alerts.record([candidate(stored[2]!.timeMs, { ruleId: 'usb_burst', eventIds: [e3!] })], 1);
    await alerts.record([candidate(stored[3]!.timeMs, { ruleId: 'pages_day', pc: 'PC-9', user: 'sato', eventIds: [e4!], foldBy: ['user'] })], 1);
    const sorted = (rows: { ruleId: string; eventId: number }[]) => rows.sort((a, b) => a.eventId - b.eventId);
    expect(sorted(await alertWindows.alertedEvents(['pages_day'], 0))).toEqual([
      { ruleId: 'pages_day', eventId: e1 }, { ruleId: 'pages_day', eventId: e2 }, { ruleId: 'pages_day', eventId: e4 },
    ]);
    // An alert whose last occurrence is not after fromMs cannot share a window starting there.
    expect(sorted(await alertWindows.alertedEvents(['pages_day', 'usb_burst'], stored[1]!.timeMs))).toEqual([
      { ruleId: 'usb_burst', eventId: e3 }, { ruleId: 'pages_day', eventId: e4 },
    ]);
    expect(await alertWindows.alertedEvents([], 0)).toEqual([]);
  });
}
