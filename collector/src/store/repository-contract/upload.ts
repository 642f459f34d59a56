import { expect, it } from 'vitest';
import type { Event, UploadEvent } from '@mamori/proto';
import { agentId, storeEvents, type RepositoriesUnderTest } from './subject.ts';

const sha = 'ef'.repeat(32);
const upload = (fileName: string, destinationHost: string, category: string, fields: Partial<UploadEvent> = {}, user = 'tanaka'): Partial<Event> => ({
  user,
  upload: {
    fileName, destinationHost, destinationUrl: `https://${destinationHost}/upload`, pageUrl: `https://${destinationHost}/`, category, sizeBytes: 1234,
    sha256: '00'.repeat(32), method: 'file_input', browser: 'chrome', browserProfile: 'Default', localPath: `/home/u/${fileName}`, ...fields,
  },
});
const health = (browser: string, profile: string, installed: boolean, alive: boolean, extensionVersion = '1.2.0'): Partial<Event> => ({
  extensionHealth: { browser, profile, installed, alive, extensionVersion, lastSeenMs: 1_700_000_000_000 },
});
/** Seq 1–8: four uploads, then extension health (Chrome's Default profile reported twice: the later one counts). */
const payloads = [
  upload('顧客名簿_2026.xlsx', 'www.dropbox.com', 'storage', { sha256: sha }),
  upload('plan.PDF', 'drive.google.com', 'storage', {}, 'suzuki'),
  upload('notes.txt', 'notdropbox.com', 'other'),
  upload('顧客名簿X2026.xlsx', 'mail.example.jp', 'webmail', { sha256: sha }),
  health('chrome', 'Default', true, true),
  health('edge', 'Work', true, false),
  health('chrome', 'Default', true, false, '1.3.0'),
  health('firefox', 'default', false, false),
];

/** Web uploads and the browser extension's health: both filled by projection. */
export function uploadContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('upload: projection fills one row per upload; search by words (case-insensitive, _ literal), host or parent domain, user, category, hash, time, page', async () => {
    const { store, repos: { upload: repo } } = await start();
    const stored = await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    const seqs = async (search: Parameters<typeof repo.search>[0]) => (await repo.search(search)).map((r) => r.seq);
    expect(await seqs({})).toEqual([4, 3, 2, 1]);
    expect(await seqs({ text: '顧客名簿' })).toEqual([4, 1]);
    expect(await seqs({ text: '名簿_2026' })).toEqual([1]);
    expect(await seqs({ text: 'plan.pdf' })).toEqual([2]);
    expect(await seqs({ text: 'dropbox 名簿' })).toEqual([1]);
    expect(await seqs({ host: 'dropbox.com' })).toEqual([1]);
    expect(await seqs({ host: 'DRIVE.google.com' })).toEqual([2]);
    expect(await seqs({ user: 'suzuki' })).toEqual([2]);
    expect(await seqs({ category: 'storage', pc: 'PC-1' })).toEqual([2, 1]);
    expect(await seqs({ sha256: sha.toUpperCase() })).toEqual([4, 1]);
    expect(await seqs({ fromMs: stored[1]!.timeMs, toMs: stored[3]!.timeMs })).toEqual([3, 2]);
    const page = await repo.search({ limit: 2 });
    expect(page.map((r) => r.seq)).toEqual([4, 3]);
    expect(await seqs({ beforeId: page[1]!.id })).toEqual([2, 1]);
    expect((await repo.search({ sha256: sha }))[1]).toEqual({
      id: expect.any(Number), eventId: stored[0]!.id, agentId, pc: 'PC-1', seq: 1, timeMs: stored[0]!.timeMs, user: 'tanaka', fileName: '顧客名簿_2026.xlsx',
      sizeBytes: 1234, sha256: sha, destinationHost: 'www.dropbox.com', destinationUrl: 'https://www.dropbox.com/upload', pageUrl: 'https://www.dropbox.com/',
      category: 'storage', method: 'file_input', browser: 'chrome', browserProfile: 'Default', localPath: '/home/u/顧客名簿_2026.xlsx',
    });
  });

  it('upload: the extension\'s latest state per browser profile, dead or removed ones first; problemsOnly keeps those', async () => {
    const { store, repos: { upload: repo } } = await start();
    const stored = await storeEvents(store, payloads.length, (seq) => payloads[seq - 1]!);
    await store.projectPending(100);
    const all = await repo.extensionHealth();
    expect(all.map((h) => [h.browser, h.profile, h.installed, h.alive, h.extensionVersion])).toEqual([
      ['chrome', 'Default', true, false, '1.3.0'], ['edge', 'Work', true, false, '1.2.0'], ['firefox', 'default', false, false, '1.2.0'],
    ]);
    expect(all[0]).toEqual({
      agentId, pc: 'PC-1', browser: 'chrome', profile: 'Default', installed: true, alive: false, extensionVersion: '1.3.0', lastSeenMs: 1_700_000_000_000,
      changedMs: stored[6]!.timeMs,
    });
    expect(await repo.extensionHealth({ pc: 'PC-2' })).toEqual([]);
    expect((await repo.extensionHealth({ pc: 'PC-1', problemsOnly: true })).length).toBe(3);
  });

  it('upload: reports of a profile spread over two projection passes leave its latest state', async () => {
    const { store, repos: { upload: repo } } = await start();
    await storeEvents(store, 3, (seq) => [health('chrome', 'Default', true, false), health('chrome', 'Default', true, true, '2.0.0'), health('edge', 'A', true, true)][seq - 1]!);
    await store.projectPending(2);
    await store.projectPending(100);
    expect((await repo.extensionHealth()).map((h) => [h.browser, h.alive, h.extensionVersion])).toEqual([['chrome', true, '2.0.0'], ['edge', true, '1.2.0']]);
    expect(await repo.extensionHealth({ problemsOnly: true })).toEqual([]);
  });
}
