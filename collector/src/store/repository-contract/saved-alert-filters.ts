import { expect, it } from 'vitest';
import type { RepositoriesUnderTest } from './subject.ts';

/** Saved alert filters: per user, replaced by name, deleted only by their owner. */
export function savedAlertFiltersContract(start: () => Promise<RepositoriesUnderTest>): void {
  it('saved alert filters: per user by name; saving a name again replaces it; only the owner deletes', async () => {
    const { repos: { savedAlertFilters: filters } } = await start();
    const urgent = await filters.save('tanaka', '緊急', { severity: ['critical'] }, 1);
    await filters.save('tanaka', 'Acct', { department: '経理部' }, 2);
    await filters.save('sato', '緊急', { severity: ['high'] }, 3);
    const replaced = await filters.save('tanaka', '緊急', { severity: ['critical', 'high'], status: ['new'] }, 4);
    expect(replaced.id).toBe(urgent.id);
    expect(await filters.list('tanaka')).toEqual([
      { id: expect.any(Number) as number, name: 'Acct', filter: { department: '経理部' }, createdMs: 2 },
      { id: urgent.id, name: '緊急', filter: { severity: ['critical', 'high'], status: ['new'] }, createdMs: 4 },
    ]);
    expect(await filters.delete('sato', urgent.id)).toBe(false);
    expect(await filters.delete('tanaka', urgent.id)).toBe(true);
    expect(await filters.delete('tanaka', urgent.id)).toBe(false);
    expect((await filters.list('tanaka')).map((f) => f.name)).toEqual(['Acct']);
    expect((await filters.list('sato')).map((f) => f.filter)).toEqual([{ severity: ['high'] }]);
  });
}
