// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { alertPage, fakeApiClient, sampleAlert } from '../../api/fake-api-client.ts';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { AlertsView } from './alerts-view.tsx';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);

function renderAlerts(fake: ReturnType<typeof fakeApiClient>, role: 'admin' | 'operator' | 'auditor' = 'operator', pageSize?: number) {
  return render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AlertsView role={role} {...(pageSize ? { pageSize } : {})} /></ApiProvider></I18nProvider>);
}

describe('AlertsView', () => {
  it('shows alerts in their configured colour with the folded count and a link to the PC history at that moment', async () => {
    const alert = sampleAlert({ id: 7, count: 12, color: '#aa0000', firstMs: 1_763_770_000_000 });
    const fake = fakeApiClient({ alerts: async () => alertPage([alert]) });
    const { container } = renderAlerts(fake);
    await screen.findByText('Copied 3 files to USB');
    const row = container.querySelector('tr[data-alert-id="7"]') as HTMLElement;
    expect(row.style.borderLeftColor).toBe('rgb(170, 0, 0)');
    expect(within(row).getByText('Critical').style.background).toBe('rgb(170, 0, 0)');
    expect(within(row).getByText('×12')).toBeTruthy();
    expect(within(row).getByText('History').getAttribute('href')).toBe('#/pcs/PC-ACCT-07?around=1763770000000');
  });

  it('shows an integrity alert by its labelled kind and count, without a history link when no PC is known', async () => {
    const alert = sampleAlert({ id: 8, ruleId: 'integrity.stream_unknown_agent', kind: 'stream_unknown_agent', pc: '', user: '', count: 25, title: 'Stream unknown agent: stream from 10.0.0.66' });
    const fake = fakeApiClient({ alerts: async () => alertPage([alert]) });
    const { container } = renderAlerts(fake);
    await screen.findByText('Stream unknown agent: stream from 10.0.0.66');
    const row = container.querySelector('tr[data-alert-id="8"]') as HTMLElement;
    expect(within(row).getByText('Unknown agent')).toBeTruthy();
    expect(within(row).getByText('×25')).toBeTruthy();
    expect(within(row).queryByText('History')).toBeNull();
  });

  it('adds an alert pushed over the live stream without a reload, and updates a known one in place', async () => {
    const fake = fakeApiClient({ alerts: async () => alertPage([sampleAlert({ id: 1, lastMs: 1000 })]) });
    const { container } = renderAlerts(fake);
    await screen.findByText('Copied 3 files to USB');
    expect(screen.getByTestId('live-state').textContent).toBe('Live');
    act(() => fake.push(sampleAlert({ id: 2, title: 'Mail with My Number to gmail.com', lastMs: 2000 })));
    const rows = () => [...container.querySelectorAll('tr[data-alert-id]')].map((r) => r.getAttribute('data-alert-id'));
    expect(rows()).toEqual(['2', '1']);
    act(() => fake.push(sampleAlert({ id: 1, count: 5, lastMs: 3000 })));
    expect(rows()).toEqual(['1', '2']);
    expect(screen.getByText('×5')).toBeTruthy();
  });

  it('renders a hostile title from a PC as text, never as HTML', async () => {
    const hostile = '<img src=x onerror=alert(1)>.xlsx';
    const fake = fakeApiClient({ alerts: async () => alertPage([sampleAlert({ title: hostile, user: '<b>x</b>' })]) });
    const { container } = renderAlerts(fake);
    await screen.findByText(hostile);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('acknowledges with a note (operators), and shows no actions to auditors', async () => {
    const fake = fakeApiClient({ alerts: async () => alertPage([sampleAlert({ id: 3 })]) });
    renderAlerts(fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Acknowledge' }));
    fireEvent.change(screen.getByLabelText('Note'), { target: { value: 'called the user' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Acknowledge' }).at(-1)!);
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'acknowledgeAlert')?.args).toEqual([3, 'called the user']));
    cleanup();
    renderAlerts(fakeApiClient({ alerts: async () => alertPage([sampleAlert({ id: 3 })]) }), 'auditor');
    await screen.findByText('Copied 3 files to USB');
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Resolve' })).toBeNull();
  });

  it('sends the chosen filters to the API', async () => {
    const fake = fakeApiClient();
    renderAlerts(fake);
    fireEvent.change(screen.getByLabelText('Severity'), { target: { value: 'critical' } });
    fireEvent.change(screen.getByLabelText('PC'), { target: { value: 'PC-ACCT-07' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'alerts').at(-1)?.args[0]).toMatchObject({ severity: 'critical', pc: 'PC-ACCT-07' }));
  });

  it('pages through every alert with the total, asking the API for the next page', async () => {
    // Pages of 10 keep the render quick; the arithmetic is the same as with 100.
    const page = (n: number) => Array.from({ length: n === 3 ? 5 : 10 }, (_, i) => sampleAlert({ id: 100 - (n - 1) * 10 - i, title: `Alert p${n} #${i}` }));
    const fake = fakeApiClient({ alerts: async (filter) => alertPage(page(filter.page ?? 1), 25, filter.page ?? 1) });
    renderAlerts(fake, 'auditor', 10);
    await screen.findByText('Alert p1 #0');
    expect(screen.getByTestId('alert-range').textContent).toBe('1–10 of 25');
    expect(screen.getByText('Page 1 of 3')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Alert p2 #0');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Alert p3 #4');
    expect(screen.getByTestId('alert-range').textContent).toBe('21–25 of 25');
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);
    expect(fake.calls.filter((c) => c.method === 'alerts').map((c) => (c.args[0] as { page: number }).page)).toEqual([1, 2, 3]);
  });

  it('acts on the ticked alerts with one note, or on all matching the filter, in one call each', async () => {
    const fake = fakeApiClient({ alerts: async () => alertPage([sampleAlert({ id: 1 }), sampleAlert({ id: 2, title: 'Second' }), sampleAlert({ id: 3, title: 'Third' })], 620) });
    renderAlerts(fake);
    await screen.findByText('Third');
    fireEvent.click(screen.getByLabelText('Select alert 1'));
    fireEvent.click(screen.getByLabelText('Select alert 3'));
    expect(screen.getByText('2 selected')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Bulk action'), { target: { value: 'resolve' } });
    fireEvent.change(screen.getByLabelText('Resolution'), { target: { value: 'false_positive' } });
    fireEvent.change(screen.getByLabelText('Note for all'), { target: { value: 'evening shutdown' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply to 2 alerts' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'bulkAlerts')).toHaveLength(1));
    expect(fake.calls.find((c) => c.method === 'bulkAlerts')!.args[0]).toEqual({ action: 'resolve', resolution: 'false_positive', note: 'evening shutdown', ids: [1, 3] });
    await screen.findByText('2 alerts changed, 0 already past that state.');
    // Everything the filter matches, including the alerts on other pages.
    fireEvent.change(screen.getByLabelText('Severity'), { target: { value: 'high' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'alerts').at(-1)?.args[0]).toMatchObject({ severity: 'high' }));
    fireEvent.click(screen.getByLabelText('all 620 matching the filter'));
    fireEvent.click(screen.getByRole('button', { name: 'Apply to 620 alerts' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'bulkAlerts')).toHaveLength(2));
    expect(fake.calls.filter((c) => c.method === 'bulkAlerts')[1]!.args[0]).toMatchObject({ action: 'resolve', resolution: 'false_positive', note: '', filter: { severity: 'high' } });
  });

  it('offers the kinds present as a choice list, and saves and re-applies a named filter', async () => {
    const saved = { id: 9, name: 'Accounting uploads', filter: { kind: 'upload', pc: 'ACCT' }, createdMs: 0 };
    const fake = fakeApiClient({ alertKinds: async () => ['file_copy', 'upload'], savedAlertFilters: async () => [saved] });
    renderAlerts(fake, 'auditor');
    await screen.findByRole('option', { name: 'upload' });
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'file_copy' } });
    fireEvent.change(screen.getByLabelText('PC'), { target: { value: 'sales' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    fireEvent.change(screen.getByLabelText('Name for this filter'), { target: { value: 'Sales copies' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save filter' }));
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'saveAlertFilter')?.args).toEqual(['Sales copies', { limit: 100, page: 1, kind: 'file_copy', pc: 'sales' }]));
    fireEvent.change(await screen.findByLabelText('Saved filters'), { target: { value: '9' } });
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'alerts').at(-1)?.args[0]).toEqual({ kind: 'upload', pc: 'ACCT', limit: 100, page: 1 }));
    expect((screen.getByLabelText('PC') as HTMLInputElement).value).toBe('ACCT');
    expect((screen.getByLabelText('Kind') as HTMLSelectElement).value).toBe('upload');
  });
});
