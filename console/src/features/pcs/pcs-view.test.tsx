// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, configure, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { ApiError } from '../../api/client.ts';
import { fakeApiClient, samplePc } from '../../api/fake-api-client.ts';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { pcTablePage } from './pc-table-model.ts';
import { PcsView } from './pcs-view.tsx';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);

const many = Array.from({ length: 3_000 }, (_, i) => samplePc(i + 1));

describe('PcsView', () => {
  it('renders one page of 100 out of 3,000 PCs with online/offline counts, and pages on', async () => {
    const fake = fakeApiClient({ pcs: async () => ({ pcs: many, nowMs: 0 }) });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><PcsView /></ApiProvider></I18nProvider>);
    await screen.findByText('PC-0001');
    expect(container.querySelectorAll('tbody tr')).toHaveLength(100);
    expect(screen.getByText('2,000 online · 1,000 offline · 3,000 PCs')).toBeTruthy();
    expect(screen.getByText('Page 1 of 30')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByText('PC-0101')).toBeTruthy();
  });

  it('searches by PC, user or OS and sorts by a column', async () => {
    const fake = fakeApiClient({ pcs: async () => ({ pcs: many, nowMs: 0 }) });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><PcsView /></ApiProvider></I18nProvider>);
    await screen.findByText('PC-0001');
    fireEvent.change(screen.getByLabelText('Search PC, user or OS'), { target: { value: 'user2999' } });
    expect([...container.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-pc'))).toEqual(['PC-2999']);
    fireEvent.change(screen.getByLabelText('Search PC, user or OS'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Open alerts' }));
    fireEvent.click(screen.getByRole('button', { name: /Open alerts/ }));
    const first = container.querySelector('tbody tr td.num')!.textContent;
    expect(first).toBe('6');
  });
});

describe('pcTablePage', () => {
  it('sorts numerically by name, filters case-insensitively and clamps the page', () => {
    const rows = [samplePc(10), samplePc(9), samplePc(100)];
    expect(pcTablePage(rows, { search: '', sort: 'pc', descending: false, page: 1, pageSize: 10 }).rows.map((r) => r.pc)).toEqual(['PC-0009', 'PC-0010', 'PC-0100']);
    expect(pcTablePage(rows, { search: 'pc-01', sort: 'pc', descending: false, page: 9, pageSize: 1 })).toMatchObject({ total: 1, pages: 1 });
    expect(pcTablePage(rows, { search: '', sort: 'lastSeenMs', descending: true, page: 1, pageSize: 10 }).rows[0]!.pc).toBe('PC-0009');
  });

  it('filters by department and site from the directory import, together with the search', async () => {
    const fake = fakeApiClient({ pcs: async () => ({ pcs: many, nowMs: 0 }) });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><PcsView /></ApiProvider></I18nProvider>);
    await screen.findByText('PC-0001');
    // samplePc: department by i % 3 (経理部, 営業部, 総務部), site Tokyo for odd i, Osaka for even.
    fireEvent.change(screen.getByLabelText('Department'), { target: { value: '経理部' } });
    expect(screen.getByText('1,000 rows')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Site'), { target: { value: 'Tokyo' } });
    expect(screen.getByText('500 rows')).toBeTruthy();
    const pcs = [...container.querySelectorAll('tbody tr')].map((r) => Number(r.getAttribute('data-pc')!.slice(3)));
    expect(pcs.every((i) => i % 3 === 0 && i % 2 === 1)).toBe(true);
    fireEvent.change(screen.getByLabelText('Search PC, user or OS'), { target: { value: 'PC-000' } });
    expect([...container.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-pc'))).toEqual(['PC-0003', 'PC-0009']);
  });

  it('admins import the directory CSV and the list reloads; a refused file shows its bad lines', async () => {
    let loads = 0;
    const imported: string[] = [];
    const fake = fakeApiClient({
      pcs: async () => { loads += 1; return { pcs: many.slice(0, 5), nowMs: 0 }; },
      importDirectory: async (csv) => {
        imported.push(csv);
        if (csv.includes(',,')) throw new ApiError(400, 'COLLECTOR_QUERY_INVALID', 'refused', [{ file: '', line: 3, column: 0, field: '', message: 'no PC name' }]);
        return { imported: 2 };
      },
    });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><PcsView role="admin" /></ApiProvider></I18nProvider>);
    await screen.findByText('PC-0001');
    const input = screen.getByLabelText('Import directory CSV (pc, department, site)');
    fireEvent.change(input, { target: { files: [new File(['pc,department\nPC-0001,経理部\nPC-0002,営業部\n'], 'dir.csv', { type: 'text/csv' })] } });
    await screen.findByText('2 PCs imported');
    expect(imported[0]).toContain('PC-0001,経理部');
    // The reload after an import runs from an effect: it may start just after the result shows.
    await waitFor(() => expect(loads).toBe(2));
    fireEvent.change(input, { target: { files: [new File(['pc,department\nPC-0001,A\n,,\n'], 'bad.csv')] } });
    await screen.findByText('Line 3: no PC name');
    cleanup();
    render(<I18nProvider locale="en"><ApiProvider client={fakeApiClient({ pcs: async () => ({ pcs: many.slice(0, 5), nowMs: 0 }) }).client}><PcsView role="auditor" /></ApiProvider></I18nProvider>);
    await screen.findByText('PC-0001');
    expect(screen.queryByTestId('directory-import')).toBeNull();
  });
});
