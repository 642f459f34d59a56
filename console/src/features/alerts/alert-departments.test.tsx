// @vitest-environment jsdom
import { cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { alertPage, fakeApiClient, sampleAlert } from '../../api/fake-api-client.ts';
import type { AlertFilter } from '@mamori/collector/api';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { DepartmentAlerts } from '../dashboard/department-alerts.tsx';
import { LogsView } from '../logs/logs-view.tsx';
import { AlertsView } from './alerts-view.tsx';

configure({ asyncUtilTimeout: 5_000 });
afterEach(cleanup);

const choices = async () => ({ departments: ['営業部', '経理部'], sites: ['Osaka', 'Tokyo'] });

describe('alert list by department and site', () => {
  it('offers the directory\'s departments and sites, sends the chosen ones, and shows each alert\'s department', async () => {
    const fake = fakeApiClient({
      directoryChoices: choices,
      alerts: async (filter: AlertFilter) => alertPage(filter.department === '経理部'
        ? [sampleAlert({ id: 2, pc: 'PC-ACCT-08', department: '経理部', site: 'Osaka' })]
        : [sampleAlert({ id: 1, pc: 'PC-SALES-01', department: '営業部', site: 'Tokyo' }), sampleAlert({ id: 2, pc: 'PC-ACCT-08', department: '経理部', site: 'Osaka' })]),
    });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AlertsView role="auditor" /></ApiProvider></I18nProvider>);
    const department = screen.getByLabelText('Department') as HTMLSelectElement;
    await waitFor(() => expect([...department.options].map((o) => o.value)).toEqual(['', '営業部', '経理部']));
    expect([...(screen.getByLabelText('Site') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['', 'Osaka', 'Tokyo']);
    await waitFor(() => expect(container.querySelectorAll('tr.alert-row')).toHaveLength(2));
    expect(within(container.querySelector('tr[data-alert-id="1"]') as HTMLElement).getByText('営業部')).toBeTruthy();
    fireEvent.change(department, { target: { value: '経理部' } });
    fireEvent.change(screen.getByLabelText('Site'), { target: { value: 'Osaka' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'alerts').at(-1)?.args[0]).toMatchObject({ department: '経理部', site: 'Osaka', page: 1 }));
    await waitFor(() => expect(container.querySelectorAll('tr.alert-row')).toHaveLength(1));
    // The export links carry the same filter, department and site included.
    expect(fake.calls.filter((c) => c.method === 'alertsExportUrl').at(-1)?.args).toMatchObject([{ department: '経理部', site: 'Osaka' }, 'jsonl']);
  });

  it('filters the log list and its exports by department and site', async () => {
    const fake = fakeApiClient({ directoryChoices: choices });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><LogsView /></ApiProvider></I18nProvider>);
    const site = screen.getByLabelText('Site') as HTMLSelectElement;
    await waitFor(() => expect([...site.options].map((o) => o.value)).toEqual(['', 'Osaka', 'Tokyo']));
    fireEvent.change(site, { target: { value: 'Tokyo' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'logs').at(-1)?.args[0]).toMatchObject({ site: 'Tokyo' }));
    expect(fake.calls.filter((c) => c.method === 'logsCsvUrl').at(-1)?.args[0]).toMatchObject({ site: 'Tokyo' });
  });

  it('starts filtered when opened from a dashboard link, and drops live alerts of other departments', async () => {
    const fake = fakeApiClient({ directoryChoices: choices });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AlertsView role="auditor" place={{ department: '経理部' }} /></ApiProvider></I18nProvider>);
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'alerts')?.args[0]).toMatchObject({ department: '経理部' }));
    await waitFor(() => expect((screen.getByLabelText('Department') as HTMLSelectElement).value).toBe('経理部'));
    fake.push(sampleAlert({ id: 9, title: 'Sales copy', department: '営業部' }));
    fake.push(sampleAlert({ id: 10, title: 'Accounting copy', department: '経理部' }));
    await screen.findByText('Accounting copy');
    expect(screen.queryByText('Sales copy')).toBeNull();
  });

  it('opened from a dashboard link with status=open, asks for open alerts and drops a live resolved one', async () => {
    const fake = fakeApiClient({ directoryChoices: choices });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AlertsView role="auditor" place={{ department: '経理部', status: 'open' }} /></ApiProvider></I18nProvider>);
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'alerts')?.args[0]).toMatchObject({ department: '経理部', status: 'open' }));
    await waitFor(() => expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('open'));
    fake.push(sampleAlert({ id: 11, title: 'Resolved copy', department: '経理部', status: 'resolved' }));
    fake.push(sampleAlert({ id: 12, title: 'Acknowledged copy', department: '経理部', status: 'acknowledged' }));
    await screen.findByText('Acknowledged copy');
    expect(screen.queryByText('Resolved copy')).toBeNull();
  });

  it('dashboard lists open alerts per department by severity, each linking to the list of that department\'s open alerts', async () => {
    const fake = fakeApiClient({
      alertsByDepartment: async () => [{ department: '経理部', bySeverity: { critical: 1, high: 2, medium: 0, low: 0, info: 0 }, total: 3 }],
    });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><DepartmentAlerts /></ApiProvider></I18nProvider>);
    const link = await screen.findByRole('link', { name: '経理部' });
    expect(link.getAttribute('href')).toBe(`#/alerts?department=${encodeURIComponent('経理部')}&status=open`);
    const row = container.querySelector('tr[data-department="経理部"]') as HTMLElement;
    expect(row.querySelector('[data-severity="critical"]')!.textContent).toBe('1');
    expect(row.querySelector('[data-severity="high"]')!.textContent).toBe('2');
    expect((row.querySelector('[data-severity="high"]') as HTMLElement).style.background).not.toBe('');
    expect((row.querySelector('[data-severity="medium"]') as HTMLElement).style.background).toBe('');
  });
});
