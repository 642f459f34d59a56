// @vitest-environment jsdom
import { cleanup, render, screen, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient } from '../../api/fake-api-client.ts';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { DashboardView } from '../dashboard/dashboard-view.tsx';
import { AuditView } from './audit-view.tsx';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);

describe('AuditView', () => {
  it('lists entries and says whether the hash chain is intact', async () => {
    const fake = fakeApiClient({
      audit: async () => ({ next: null, entries: [{ id: 2, timeMs: 0, actor: 'admin', action: 'mail.open', entry: { eventId: 5 }, prevHash: '', hash: '' }] }),
      verifyAudit: async () => ({ entries: 2, ok: false, firstBadId: 1 }),
    });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AuditView /></ApiProvider></I18nProvider>);
    await screen.findByText('mail.open');
    expect((await screen.findByTestId('chain')).textContent).toBe('Chain broken at entry #1');
  });

  it("shows the collector's evidence key so auditors can pin it", async () => {
    const fake = fakeApiClient({ evidenceKey: async () => ({ algorithm: 'Ed25519', publicKey: 'S2V5LW9mLXRoZS1jb2xsZWN0b3I=', fingerprint: '12:34' }) });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AuditView /></ApiProvider></I18nProvider>);
    const panel = await screen.findByTestId('evidence-key');
    expect(panel.textContent).toContain('S2V5LW9mLXRoZS1jb2xsZWN0b3I=');
    expect(panel.textContent).toContain('12:34');
  });
});

describe('DashboardView', () => {
  it('shows alerts by colour today, top PCs and users, and agents online/offline', async () => {
    const fake = fakeApiClient({
      alertSummary: async () => ({ today: { critical: 3, low: 1 }, byDay: [{ day: '2026-11-21', severity: 'critical', count: 2 }], topPcs: [{ pc: 'PC-ACCT-07', count: 9 }], topUsers: [{ user: 'tanaka', count: 4 }] }),
    });
    const { container } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><DashboardView /></ApiProvider></I18nProvider>);
    await screen.findByText('PC-ACCT-07');
    expect(container.querySelector('[data-severity="critical"] strong')!.textContent).toBe('3');
    expect(screen.getAllByRole('listitem').some((li) => li.textContent === 'tanaka — 4')).toBe(true);
  });
});
