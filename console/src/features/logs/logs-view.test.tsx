// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient } from '../../api/fake-api-client.ts';
import type { LogEntry } from '../../api/types.ts';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { LogsView } from './logs-view.tsx';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);

const entry = (over: Partial<LogEntry>): LogEntry => ({
  eventId: 1, timeMs: Date.UTC(2026, 10, 22), pc: 'PC-ACCT-07', user: 'tanaka', kind: 'file_copy', action: 'created', summary: 'a.xlsx', detail: 'removable', sizeBytes: 2048, ...over,
});

describe('LogsView', () => {
  it('lists entries of every kind, hostile text as text, and opens one event in full', async () => {
    const fake = fakeApiClient({
      logs: async () => ({ next: null, entries: [entry({ eventId: 9, kind: 'mail', summary: '<script>alert(1)</script>', detail: 'to x@gmail.com' }), entry({ eventId: 8 })] }),
    });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><LogsView /></ApiProvider></I18nProvider>);
    fireEvent.click(await screen.findByRole('button', { name: '<script>alert(1)</script>' }));
    await screen.findByRole('dialog');
    expect(fake.calls.find((c) => c.method === 'logEvent')!.args).toEqual([9]);
    expect(container.querySelector('script')).toBeNull();
    expect(screen.getAllByText('2 KB')).toHaveLength(2);
  });

  it('searches with the typed filters and offers the CSV of the same filter', async () => {
    const fake = fakeApiClient({ logsCsvUrl: (filter) => `/api/logs/export.csv?q=${filter.q ?? ''}` });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><LogsView /></ApiProvider></I18nProvider>);
    fireEvent.change(screen.getByLabelText('Keywords'), { target: { value: ' 顧客名簿 ' } });
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'upload' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'logs').at(-1)!.args[0]).toMatchObject({ q: '顧客名簿', kind: 'upload', order: 'desc' }));
    expect(screen.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe('/api/logs/export.csv?q=顧客名簿');
  });
});
