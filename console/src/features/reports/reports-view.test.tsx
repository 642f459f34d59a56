// @vitest-environment jsdom
import { cleanup, configure, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { ApiError } from '../../api/client.ts';
import { fakeApiClient, sampleReport } from '../../api/fake-api-client.ts';
import type { Session } from '@mamori/collector/api';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { ReportsView } from './reports-view.tsx';

configure({ asyncUtilTimeout: 5_000 });
afterEach(cleanup);

const carol: Session = { username: 'carol', role: 'auditor', csrfToken: 'x' };
const alice: Session = { username: 'alice', role: 'admin', csrfToken: 'x' };

describe('ReportsView', () => {
  it('lists a report with its period, totals, hash and downloads, in Japanese', async () => {
    const fake = fakeApiClient({ reports: async () => [sampleReport()] });
    render(<I18nProvider locale="ja"><ApiProvider client={fake.client}><ReportsView session={carol} /></ApiProvider></I18nProvider>);
    const card = await screen.findByTestId('report-1');
    expect(card.textContent).toContain('2026-10-01 – 2026-10-31');
    expect(card.textContent).toContain('USB利用: 42');
    expect(card.textContent).toContain('リスクスコア上位: 未算出');
    expect(card.textContent).toContain(`SHA-256 ${'ab'.repeat(32)}`);
    expect(screen.getByText('PDF').getAttribute('href')).toBe('/api/reports/1/pdf');
  });

  it('an auditor marks a report reviewed with a note', async () => {
    const fake = fakeApiClient({ reports: async () => [sampleReport()] });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><ReportsView session={carol} /></ApiProvider></I18nProvider>);
    fireEvent.change(await screen.findByLabelText('Review note'), { target: { value: 'checked with IT' } });
    fireEvent.click(screen.getByText('Mark reviewed'));
    await screen.findByText(/Reviewed by admin .*: checked with IT/);
    expect(fake.calls.find((c) => c.method === 'reviewReport')?.args).toEqual([1, 'checked with IT']);
  });

  it('an admin whose actions the report lists is told someone else must review it', async () => {
    const fake = fakeApiClient({ reports: async () => [sampleReport()] });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><ReportsView session={alice} /></ApiProvider></I18nProvider>);
    expect((await screen.findByTestId('review-1')).textContent).toContain('someone else must review it');
    expect(screen.queryByText('Mark reviewed')).toBeNull();
  });

  it("shows the collector's refusal when the list was out of date", async () => {
    const fake = fakeApiClient({
      reports: async () => [sampleReport({ coveredActors: [] })],
      reviewReport: async () => { throw new ApiError(403, 'COLLECTOR_REPORT_SELF_REVIEW', 'refused'); },
    });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><ReportsView session={alice} /></ApiProvider></I18nProvider>);
    fireEvent.change(await screen.findByLabelText('Review note'), { target: { value: 'ok' } });
    fireEvent.click(screen.getByText('Mark reviewed'));
    expect((await screen.findByRole('alert')).textContent).toContain('someone else must review it');
  });

  it('generates a report on demand for a template and period', async () => {
    const fake = fakeApiClient({
      reportTemplates: async () => [{ name: 'monthly_inspection', title: '月次ログ点検報告書', schedule: 'monthly', timezone: 'Asia/Tokyo', items: ['usb_use'], recipients: 0 }],
      generateReport: async (input) => sampleReport({ id: 5, template: input.template }),
    });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><ReportsView session={carol} /></ApiProvider></I18nProvider>);
    await screen.findByText('月次ログ点検報告書 (monthly)');
    const [from, to] = container.querySelectorAll('input[type=date]');
    fireEvent.change(from!, { target: { value: '2026-10-01' } });
    fireEvent.change(to!, { target: { value: '2026-10-31' } });
    fireEvent.click(screen.getByText('Generate now'));
    await screen.findByTestId('report-5');
    expect(fake.calls.find((c) => c.method === 'generateReport')?.args).toEqual([{ template: 'monthly_inspection', from: '2026-10-01', to: '2026-10-31' }]);
  });
});
