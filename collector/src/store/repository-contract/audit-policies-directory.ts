import { expect, it } from 'vitest';
import type { RepositoriesUnderTest } from './subject.ts';

/** Audit reads and chain verification, policy versions, and the PC directory. */
export function auditPoliciesDirectoryContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('audit: pages newest first, by actor and by action prefix (its _ literal), and verifies the chain', async () => {
    const { store, repos: { audit } } = await start();
    for (const [i, [actor, action]] of [['admin', 'user.add'], ['op', 'alert.ack'], ['admin', 'alert_bulk.resolve'], ['admin', 'alertXbulk']].entries()) {
      await store.appendAudit({ timeMs: i, actor: actor!, action: action!, entry: { i } });
    }
    const page = await audit.listPage({ limit: 2 });
    expect(page.map((r) => r.action)).toEqual(['alertXbulk', 'alert_bulk.resolve']);
    expect(page[1]).toMatchObject({ actor: 'admin', timeMs: 2, entry: { i: 2 } });
    expect(page[1]!.prevHash).toBe((await audit.listPage({ beforeId: page[1]!.id, limit: 1 }))[0]!.hash);
    expect((await audit.listPage({ beforeId: page[1]!.id, limit: 10 })).map((r) => r.timeMs)).toEqual([1, 0]);
    expect((await audit.listPage({ actor: 'op', limit: 10 })).map((r) => r.action)).toEqual(['alert.ack']);
    expect((await audit.listPage({ action: 'alert_', limit: 10 })).map((r) => r.action)).toEqual(['alert_bulk.resolve']);
    expect(await audit.verifyChain()).toEqual({ entries: 4, ok: true, firstBadId: null });
  });

  it('audit: verify names the first entry altered behind the append-only guard', async () => {
    const { store, repos: { audit }, tamperAudit } = await start();
    const ids: number[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await store.appendAudit({ timeMs: i, actor: 'admin', action: 'policy.publish', entry: { i } })).id);
    await tamperAudit(ids[1]!, 'someone-else');
    expect(await audit.verifyChain()).toEqual({ entries: 2, ok: false, firstBadId: ids[1] });
  });

  it('policies: lists versions newest first without sources and returns one with its sources', async () => {
    const { store, repos: { policies } } = await start();
    const sources = [{ name: 'device.yaml', text: 'usb: block\n' }, { name: '社内.yaml', text: '# 日本語\n' }];
    const v1 = await store.savePolicyVersion({ createdMs: 1, createdBy: 'admin', sources, comment: 'first' });
    const v2 = await store.savePolicyVersion({ createdMs: 2, createdBy: 'cli', sources: [], comment: '' });
    expect(await policies.listVersions(10)).toEqual([
      { version: v2, createdMs: 2, createdBy: 'cli', comment: '' }, { version: v1, createdMs: 1, createdBy: 'admin', comment: 'first' },
    ]);
    expect(await policies.listVersions(1)).toHaveLength(1);
    expect(await policies.getVersion(v1)).toEqual({ version: v1, createdMs: 1, createdBy: 'admin', comment: 'first', sources });
    expect(await policies.getVersion(v2 + 1)).toBeUndefined();
  });

  it('directory: an import replaces the whole directory; choices, status and lookups follow it', async () => {
    const { repos: { directory } } = await start();
    expect(await directory.status()).toEqual({ count: 0, importedMs: null });
    await directory.replace([
      { pc: 'PC-1', department: '経理部', site: 'tokyo' }, { pc: 'PC-2', department: 'Dev', site: 'osaka' }, { pc: 'PC-3', department: '', site: '' },
    ], 100);
    expect(await directory.choices()).toEqual({ departments: ['Dev', '経理部'], sites: ['osaka', 'tokyo'] });
    await directory.replace([{ pc: 'PC-9', department: 'Sales', site: 'nagoya' }], 200);
    expect(await directory.status()).toEqual({ count: 1, importedMs: 200 });
    expect([...(await directory.byPc()).entries()]).toEqual([['PC-9', { pc: 'PC-9', department: 'Sales', site: 'nagoya' }]]);
    // A failing import (the same PC twice) leaves the previous directory.
    await expect(directory.replace([{ pc: 'PC-X', department: '', site: '' }, { pc: 'PC-X', department: '', site: '' }], 300)).rejects.toThrow();
    expect(await directory.status()).toEqual({ count: 1, importedMs: 200 });
  });
}
