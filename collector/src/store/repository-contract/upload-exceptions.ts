import { expect, it } from 'vitest';
import type { UploadExceptionRow } from '../repositories/upload-exceptions.ts';
import type { RepositoriesUnderTest } from './subject.ts';

const grant = (id: string, overrides: Partial<UploadExceptionRow> = {}): Omit<UploadExceptionRow, 'revokedMs' | 'revokedBy'> => ({
  id, pc: 'PC-1', user: null, category: 'personal_cloud', domain: null, untilMs: 10_000, reason: '取引先への送付', createdBy: 'alice', createdMs: 1_000, ...overrides,
});

/** Upload exceptions: in force until their time or revocation; every grant and revocation is a change the pusher reads. */
export function uploadExceptionsContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('upload exceptions: active per PC and overall until ended or revoked; a revocation ends only an active one', async () => {
    const { repos: { uploadExceptions: exceptions } } = await start();
    await exceptions.create(grant('ue-1'));
    await exceptions.create(grant('ue-2', { user: 'tanaka', category: null, domain: 'drive.example.com', createdMs: 2_000, untilMs: 5_000 }));
    await exceptions.create(grant('ue-3', { pc: 'PC-2', createdMs: 1_500 }));
    expect(await exceptions.find('ue-2')).toEqual({ ...grant('ue-2', { user: 'tanaka', category: null, domain: 'drive.example.com', createdMs: 2_000, untilMs: 5_000 }), revokedMs: null, revokedBy: null });
    expect(await exceptions.find('nope')).toBeUndefined();
    expect((await exceptions.active('PC-1', 3_000)).map((e) => e.id)).toEqual(['ue-1', 'ue-2']);
    expect((await exceptions.active('PC-1', 5_000)).map((e) => e.id)).toEqual(['ue-1']); // ue-2 ended at 5,000
    expect((await exceptions.activeAll(3_000, 10)).map((e) => e.id)).toEqual(['ue-2', 'ue-3', 'ue-1']);
    expect((await exceptions.activeAll(3_000, 2)).map((e) => e.id)).toEqual(['ue-2', 'ue-3']);

    const revoked = await exceptions.revoke('ue-1', 'bob', 4_000);
    expect(revoked).toMatchObject({ id: 'ue-1', pc: 'PC-1', revokedMs: 4_000, revokedBy: 'bob' });
    expect(await exceptions.revoke('ue-1', 'carol', 4_500)).toBeUndefined(); // already revoked
    expect(await exceptions.revoke('ue-2', 'carol', 6_000)).toBeUndefined(); // already ended
    expect(await exceptions.revoke('nope', 'carol', 4_500)).toBeUndefined();
    expect((await exceptions.find('ue-1'))?.revokedBy).toBe('bob');
    expect((await exceptions.active('PC-1', 4_000)).map((e) => e.id)).toEqual(['ue-2']);
    expect((await exceptions.activeAll(4_000, 10)).map((e) => e.id)).toEqual(['ue-2', 'ue-3']);
  });

  it('upload exceptions: a grant with both or neither of category and domain is refused and stores nothing', async () => {
    const { repos: { uploadExceptions: exceptions } } = await start();
    await expect(exceptions.create(grant('both', { domain: 'drive.example.com' }))).rejects.toThrow();
    await expect(exceptions.create(grant('neither', { category: null }))).rejects.toThrow();
    expect(await exceptions.find('both')).toBeUndefined();
    expect(await exceptions.changesAfter(0)).toEqual({ cursor: 0, pcs: [] });
  });

  it('upload exceptions: grants and revocations made through another handle (another collector) are changes read by cursor', async () => {
    const subject = await start();
    const exceptions = subject.repos.uploadExceptions;
    const other = await subject.second();
    try {
      const empty = await exceptions.changesAfter(0);
      expect(empty.pcs).toEqual([]);
      await other.repos.uploadExceptions.create(grant('ue-1'));
      await other.repos.uploadExceptions.create(grant('ue-2', { pc: 'PC-2' }));
      const first = await exceptions.changesAfter(empty.cursor);
      expect(first.pcs.sort()).toEqual(['PC-1', 'PC-2']);
      expect(await exceptions.changesAfter(first.cursor)).toEqual({ cursor: first.cursor, pcs: [] });
      expect((await exceptions.active('PC-2', 2_000)).map((e) => e.id)).toEqual(['ue-2']);
      await other.repos.uploadExceptions.revoke('ue-2', 'bob', 3_000);
      await exceptions.revoke('nope', 'bob', 3_000); // nothing revoked, no change
      const second = await exceptions.changesAfter(first.cursor);
      expect(second.pcs).toEqual(['PC-2']);
      expect(second.cursor).toBeGreaterThan(first.cursor);
      expect(await exceptions.changesAfter(second.cursor)).toEqual({ cursor: second.cursor, pcs: [] });
    } finally {
      await other.close();
    }
  });
}
