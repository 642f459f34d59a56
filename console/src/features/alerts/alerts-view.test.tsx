// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient, sampleAlert } from '../../api/fake-api-client.ts';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { AlertsView } from './alerts-view.tsx';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);

function renderAlerts(fake: ReturnType<typeof fakeApiClient>, role: 'admin' | 'operator' | 'auditor' = 'operator') {
  return render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AlertsView role={role} /></ApiProvider></I18nProvider>);
}

describe('AlertsView', () => {
  it('shows alerts in their configured colour with the folded count and a link to the PC history at that moment', async () => {
    const alert = sampleAlert({ id: 7, count: 12, color: '#aa0000', firstMs: 1_763_770_000_000 });
    const fake = fakeApiClient({ alerts: async () => [alert] });
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
    const fake = fakeApiClient({ alerts: async () => [alert] });
    const { container } = renderAlerts(fake);
    await screen.findByText('Stream unknown agent: stream from 10.0.0.66');
    const row = container.querySelector('tr[data-alert-id="8"]') as HTMLElement;
    expect(within(row).getByText('Unknown agent')).toBeTruthy();
    expect(within(row).getByText('×25')).toBeTruthy();
    expect(within(row).queryByText('History')).toBeNull();
  });

  it('adds an alert pushed over the live stream without a reload, and updates a known one in place', async () => {
    const fake = fakeApiClient({ alerts: async () => [sampleAlert({ id: 1, lastMs: 1000 })] });
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
    const fake = fakeApiClient({ alerts: async () => [sampleAlert({ title: hostile, user: '<b>x</b>' })] });
    const { container } = renderAlerts(fake);
    await screen.findByText(hostile);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('acknowledges with a note (operators), and shows no actions to auditors', async () => {
    const fake = fakeApiClient({ alerts: async () => [sampleAlert({ id: 3 })] });
    renderAlerts(fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Acknowledge' }));
    fireEvent.change(screen.getByLabelText('Note'), { target: { value: 'called the user' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Acknowledge' }).at(-1)!);
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'acknowledgeAlert')?.args).toEqual([3, 'called the user']));
    cleanup();
    renderAlerts(fakeApiClient({ alerts: async () => [sampleAlert({ id: 3 })] }), 'auditor');
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
});
