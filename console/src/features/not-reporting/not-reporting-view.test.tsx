// @vitest-environment jsdom
import { cleanup, render, screen, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient, sampleAlert } from '../../api/fake-api-client.ts';
import type { NotReportingPc } from '@mamori/collector/api';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { AlertDetail } from '../alerts/alert-detail.tsx';
import { DashboardView } from '../dashboard/dashboard-view.tsx';
import { NotReportingView } from './not-reporting-view.tsx';

configure({ asyncUtilTimeout: 5_000 });
afterEach(cleanup);

const nowMs = Date.UTC(2026, 10, 22);
const day = 86_400_000;
const silent: NotReportingPc[] = [
  { pc: 'TKY-0001', agentId: 'agent-1', site: 'tokyo', lastSeenMs: nowMs - 10 * day, enrolledMs: nowMs - 90 * day, silentDays: 10 },
  { pc: 'OSA-0002', agentId: 'agent-2', site: 'osaka', lastSeenMs: null, enrolledMs: nowMs - 5 * day, silentDays: 5 },
];
const answer = { pcs: silent, count: 2, afterMs: 3 * day, nowMs };

describe('NotReportingView', () => {
  it('lists each silent PC once with its site and days silent, linking to the PC (English)', async () => {
    const fake = fakeApiClient({ notReporting: async () => answer });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><NotReportingView /></ApiProvider></I18nProvider>);
    await screen.findByText('TKY-0001');
    expect([...container.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-pc'))).toEqual(['TKY-0001', 'OSA-0002']);
    expect(screen.getByText('2 PCs not reporting')).toBeTruthy();
    expect(screen.getByText(/not reported for 3 days or more/)).toBeTruthy();
    expect(screen.getByText(/^never \(enrolled/)).toBeTruthy();
    expect(screen.getByText('TKY-0001').getAttribute('href')).toContain('pcs/TKY-0001');
  });

  it('speaks Japanese', async () => {
    const fake = fakeApiClient({ notReporting: async () => answer });
    render(<I18nProvider locale="ja"><ApiProvider client={fake.client}><NotReportingView /></ApiProvider></I18nProvider>);
    await screen.findByText('報告のない PC 2 台');
    expect(screen.getByText('拠点')).toBeTruthy();
  });

  it('the dashboard shows the not-reporting count, linking to the list', async () => {
    const fake = fakeApiClient({ notReporting: async () => answer });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><DashboardView /></ApiProvider></I18nProvider>);
    const count = await screen.findByTestId('not-reporting-count');
    await screen.findByText('2');
    expect(count.textContent).toBe('2');
    expect(count.getAttribute('href')).toContain('not-reporting');
  });
});

describe('OfflinePcsPanel in an alert', () => {
  it('an "N PCs offline" alert lists its PCs; other alerts do not ask', async () => {
    const offline = sampleAlert({ id: 7, ruleId: 'agent_offline', kind: 'agent_offline', pc: '', user: '', title: '2 PCs offline at site tokyo (2026-11-24)', count: 2 });
    const fake = fakeApiClient({
      alert: async () => ({ alert: offline, events: [] }),
      offlinePcs: async () => [{ agentId: 'a1', pc: 'TKY-1', sinceMs: nowMs }, { agentId: 'a2', pc: 'TKY-2', sinceMs: nowMs + 60_000 }],
    });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AlertDetail id={7} role="auditor" onChanged={() => undefined} /></ApiProvider></I18nProvider>);
    await screen.findByText('TKY-2');
    expect([...container.querySelectorAll('[data-testid="alert-offline-pcs"] li')].map((li) => li.getAttribute('data-pc'))).toEqual(['TKY-1', 'TKY-2']);
    expect(fake.calls.filter((c) => c.method === 'offlinePcs').map((c) => c.args)).toEqual([[7]]);
    cleanup();

    const usb = fakeApiClient({ alert: async () => ({ alert: sampleAlert({ id: 8 }), events: [] }) });
    render(<I18nProvider locale="en"><ApiProvider client={usb.client}><AlertDetail id={8} role="auditor" onChanged={() => undefined} /></ApiProvider></I18nProvider>);
    await screen.findByText('Copied 3 files to USB');
    expect(usb.calls.some((c) => c.method === 'offlinePcs')).toBe(false);
  });
});
