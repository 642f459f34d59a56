// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient, sampleEvent } from '../../api/fake-api-client.ts';
import type { LogEntry } from '@mamori/collector/api';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { LogsView } from './logs-view.tsx';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);

const entry = (over: Partial<LogEntry>): LogEntry => ({
  eventId: 1, timeMs: Date.UTC(2026, 10, 22), pc: 'PC-ACCT-07', agentId: 'agent-1', user: 'tanaka', kind: 'file_copy', action: 'created', summary: 'a.xlsx', detail: 'removable', sizeBytes: 2048, department: '', site: '', ...over,
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

  it('shows in the event detail which agent recorded it and how far its PC time is from the collector receive time', async () => {
    const at = Date.UTC(2026, 10, 22, 1);
    const fake = fakeApiClient({
      logs: async () => ({ next: null, entries: [entry({ eventId: 4, agentId: 'ag_new', summary: 'late.xlsx' }), entry({ eventId: 3, agentId: 'ag_old', summary: 'normal.xlsx' })] }),
      logEvent: async (id) => ({ ...sampleEvent({ id, agentId: id === 4 ? 'ag_new' : 'ag_old', timeMs: at, receivedMs: id === 4 ? at + 2 * 3_600_000 : at + 900 }), pc: 'PC-ACCT-07' }),
    });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><LogsView /></ApiProvider></I18nProvider>);
    // Two agents under one PC name on this page: each row names its agent.
    await waitFor(() => expect(screen.getAllByTestId('entry-agent').map((el) => el.textContent)).toEqual(['Agent ag_new', 'Agent ag_old']));
    fireEvent.click(await screen.findByRole('button', { name: 'late.xlsx' }));
    await screen.findByRole('dialog');
    expect(screen.getByTestId('event-agent').textContent).toBe('Agent ag_new');
    expect(screen.getByTestId('clock-skew').textContent).toBe('received 2.0 h later');
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    fireEvent.click(await screen.findByRole('button', { name: 'normal.xlsx' }));
    await waitFor(() => expect(screen.getByTestId('event-agent').textContent).toBe('Agent ag_old'));
    expect(screen.queryByTestId('clock-skew')).toBeNull();
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
