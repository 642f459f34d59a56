import { expect, it } from 'vitest';
import type { Event } from '@mamori/proto';
import { agentId, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const device = { vendorId: '0781', productId: '5581', serial: 'S-1', vendor: 'SanDisk', product: 'Ultra' };
const requested = (requestId: string, reason: string): Partial<Event> => ({
  accessRequest: { state: 'REQUESTED', requestId, subject: 'device', device, reason, blockedRule: 'device.usb.block' },
});
const received = (requestId: string): Partial<Event> => ({ accessRequest: { state: 'OUTCOME_RECEIVED', requestId, outcome: 'approved' } });

/** Access requests: filled by projection, decided once, answers re-sent until the PC journals that it got them. */
export function accessRequestsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('access requests: a request journaled twice is listed once; decided once; the answer counts as delivered only once the PC says so', async () => {
    const { store, repos: { accessRequests } } = await start();
    const payloads = [requested('r-1', '取引先に納品データを渡すため'), requested('r-2', 'backup'), requested('r-1', 'again'), received('r-1')];
    const stored = await storeEvents(store, 3, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    const listed = await accessRequests.list({ limit: 10 });
    expect(listed.map((r) => [r.requestId, r.reason, r.status])).toEqual([['r-2', 'backup', 'pending'], ['r-1', '取引先に納品データを渡すため', 'pending']]);
    const first = listed[1]!;
    expect(first).toEqual({
      id: first.id, agentId, requestId: 'r-1', pc: 'PC-1', user: 'tanaka', timeMs: stored[0]!.timeMs, subject: 'device', reason: '取引先に納品データを渡すため',
      blockedRule: 'device.usb.block', device, upload: null, status: 'pending', decidedBy: null, decidedMs: null, note: '', untilMs: null, exceptionId: null, sentMs: null, receivedMs: null,
    });
    expect(await accessRequests.list({ status: 'pending', pc: 'PC-2', limit: 10 })).toEqual([]);
    expect(await accessRequests.undeliveredAnswers()).toEqual([]);

    const decision = { status: 'approved' as const, by: 'admin', atMs: 5, note: 'ok', untilMs: 99, exceptionId: 'x-1' };
    expect(await accessRequests.decide(first.id, decision)).toBe(true);
    expect(await accessRequests.decide(first.id, { ...decision, status: 'declined' })).toBe(false);
    expect(await accessRequests.get(first.id)).toMatchObject({ status: 'approved', decidedBy: 'admin', decidedMs: 5, note: 'ok', untilMs: 99, exceptionId: 'x-1' });
    expect(await accessRequests.get(999_999)).toBeUndefined();
    expect((await accessRequests.undeliveredAnswers({ neverSent: true })).map((r) => r.id)).toEqual([first.id]);
    await accessRequests.markAnswerSent(first.id, 6);
    expect(await accessRequests.undeliveredAnswers({ neverSent: true })).toEqual([]);
    expect((await accessRequests.undeliveredAnswers({ agentId })).map((r) => r.sentMs)).toEqual([6]);
    expect(await accessRequests.undeliveredAnswers({ agentId: 'other' })).toEqual([]);
  });

  it('access requests: an upload request keeps the site it asks for (host, the domain an approval names, category, files)', async () => {
    const { store, repos: { accessRequests } } = await start();
    const upload = { host: '46.gigafile.nu', domain: 'gigafile.nu', category: 'file_transfer', fileNames: ['見積書.xlsx', 'a.zip'] };
    await storeEvents(store, 1, () => ({
      accessRequest: { state: 'REQUESTED', requestId: 'r-up', subject: 'upload', reason: 'auditor', blockedRule: 'upload.enforcement.categories.file_transfer', upload },
    }));
    await store.projectPending(100);
    const [row] = await accessRequests.list({ limit: 10 });
    expect(row).toMatchObject({ requestId: 'r-up', subject: 'upload', upload, device: { vendorId: '', productId: '', serial: '', vendor: '', product: '' } });
    expect(await accessRequests.get(row!.id)).toMatchObject({ upload });
  });

  it('access requests: the PC journaling OUTCOME_RECEIVED stops the re-sending', async () => {
    const { store, repos: { accessRequests } } = await start();
    const payloads = [requested('r-1', 'x'), received('r-1')];
    const stored = await storeEvents(store, 2, (seq) => payloads[seq - 1]!);
    // Project the request alone, decide, then project the PC's confirmation.
    await store.projectPending(1);
    const [request] = await accessRequests.list({ limit: 1 });
    await accessRequests.decide(request!.id, { status: 'declined', by: 'admin', atMs: 5, note: '', untilMs: null, exceptionId: null });
    expect(await accessRequests.undeliveredAnswers()).toHaveLength(1);
    await store.projectPending(100);
    expect(await accessRequests.undeliveredAnswers()).toEqual([]);
    expect((await accessRequests.get(request!.id))?.receivedMs).toBe(stored[1]!.timeMs);
  });
}
