// @vitest-environment jsdom
import { cleanup, configure, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient } from '../../api/fake-api-client.ts';
import type { RiskPerson, RiskRanking } from '@mamori/collector/api';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { RiskPersonView } from './risk-person-view.tsx';
import { RiskRankingView } from './risk-ranking-view.tsx';

configure({ asyncUtilTimeout: 5_000 });
afterEach(cleanup);

const ranking: RiskRanking = {
  date: '2026-11-22', pseudonymised: true, threshold: 60, entries: [
    { person: 'P-0a1b2c3d4e', pseudonymous: true, department: 'sales', score: 377.4, yesterday: 2, change: 375.4, trend: [1, 2, 377] },
    { person: 'P-99887766aa', pseudonymous: true, department: 'engineering', score: 59.4, yesterday: 62, change: -2.6, trend: [60, 62, 59] },
  ],
};
const person: RiskPerson = {
  person: 'P-0a1b2c3d4e', pseudonymous: true, date: '2026-11-22', days: [{
    date: '2026-11-21', raw: 377.4, score: 377.4, department: 'sales', contributions: [
      { indicator: 'vector.cloud_upload', points: 38.8, detail: '1 event, 85.0 MB uploaded to personal storage', eventCount: 1, events: [{ agentId: 'agent-u1', seq: 812, eventId: 9, pc: 'PC-SALE-1', timeMs: Date.UTC(2026, 10, 21, 14) }] },
    ],
  }],
};

describe('risk views', () => {
  it('rank people with change since yesterday and filter by department', async () => {
    const fake = fakeApiClient({
      riskRanking: async () => ranking,
      riskDepartments: async () => ({ date: '2026-11-22', departments: [{ department: 'sales', people: 10, top: 377.4, mean: 40, aboveThreshold: 1 }] }),
    });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><RiskRankingView /></ApiProvider></I18nProvider>);
    await screen.findByText('P-0a1b2c3d4e');
    expect([...container.querySelectorAll('.risk-ranking tbody tr')].map((r) => r.getAttribute('data-person'))).toEqual(['P-0a1b2c3d4e', 'P-99887766aa']);
    expect(screen.getByText('▲ 375.4')).toBeTruthy();
    expect(screen.getByText('▼ 2.6')).toBeTruthy();
    expect(screen.getByText('P-0a1b2c3d4e').getAttribute('href')).toContain('risk/P-0a1b2c3d4e');
    expect(screen.getByText(/shown by pseudonym/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Department'), { target: { value: 'sales' } });
    await screen.findByText('P-0a1b2c3d4e');
    expect(fake.calls.filter((c) => c.method === 'riskRanking').at(-1)!.args[0]).toMatchObject({ department: 'sales' });
  });

  it('explain a person by indicator and event, linking to the PC history, and let an auditor reveal the name with a reason', async () => {
    const fake = fakeApiClient({ riskPerson: async () => person });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><RiskPersonView person="P-0a1b2c3d4e" role="auditor" /></ApiProvider></I18nProvider>);
    await screen.findByText(/uploaded to personal storage/);
    const link = screen.getByText(/^PC-SALE-1/);
    expect(link.getAttribute('href')).toContain(`pcs/PC-SALE-1?at=${Date.UTC(2026, 10, 21, 14)}`);
    fireEvent.change(screen.getByLabelText('Reason for revealing the name'), { target: { value: 'case 2026-14' } });
    fireEvent.click(screen.getByText('Reveal name'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fake.calls.find((c) => c.method === 'revealRiskPerson')?.args).toEqual(['P-0a1b2c3d4e', 'case 2026-14']);
  });

  it('name an integrity finding as a finding, not as journal sequence #0', async () => {
    const withFindings: RiskPerson = { ...person, days: [{ ...person.days[0]!, contributions: [{
      indicator: 'signals.integrity', points: 40, detail: '2 integrity findings', eventCount: 2, events: [
        { agentId: 'agent-u1', seq: 0, eventId: -17, pc: 'PC-SALE-1', timeMs: Date.UTC(2026, 10, 21, 9) },
        { agentId: 'agent-u1', seq: 0, eventId: -18, pc: 'PC-SALE-1', timeMs: Date.UTC(2026, 10, 21, 10) },
      ],
    }] }] };
    const fake = fakeApiClient({ riskPerson: async () => withFindings });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><RiskPersonView person="P-0a1b2c3d4e" role="operator" /></ApiProvider></I18nProvider>);
    await screen.findByText(/2 integrity findings/);
    expect([...container.querySelectorAll('.risk-events .muted')].map((n) => n.textContent)).toEqual(['integrity finding 17', 'integrity finding 18']);
    expect(container.textContent).not.toContain('#0');
  });

  it('offer operators no reveal (Japanese)', async () => {
    const fake = fakeApiClient({ riskPerson: async () => person });
    render(<I18nProvider locale="ja"><ApiProvider client={fake.client}><RiskPersonView person="P-0a1b2c3d4e" role="operator" /></ApiProvider></I18nProvider>);
    await screen.findByText(/持ち出し/);
    expect(screen.queryByText('実名を表示')).toBeNull();
  });
});
