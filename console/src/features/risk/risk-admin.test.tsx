// @vitest-environment jsdom
import { cleanup, configure, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { ApiError } from '../../api/client.ts';
import { fakeApiClient } from '../../api/fake-api-client.ts';
import type { RiskDigestSubscription } from '@mamori/collector/api';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { RiskRankingView } from './risk-ranking-view.tsx';

configure({ asyncUtilTimeout: 5_000 });
afterEach(cleanup);

describe('risk admin panel', () => {
  it('imports attendance, shows a refused file\'s lines, and manages digest subscribers (admins only)', async () => {
    const subscribed: RiskDigestSubscription[] = [{ email: 'bucho@example.co.jp', department: '', createdBy: 'admin', createdMs: 0 }];
    let attempts = 0;
    const fake = fakeApiClient({
      riskDigestSubscriptions: async () => [...subscribed],
      subscribeRiskDigest: async (email: string, department: string) => { subscribed.push({ email, department, createdBy: 'admin', createdMs: 1 }); },
      importRiskAttendance: async () => {
        attempts += 1;
        if (attempts === 1) throw new ApiError(400, 'COLLECTOR_QUERY_INVALID', 'attendance CSV refused: 1 bad line(s)', [{ file: '', line: 3, column: 0, field: '', message: 'start and end must be times like 09:00 or 22:30' }]);
        return { imported: 2 };
      },
    });
    const { unmount } = render(<I18nProvider locale="en"><ApiProvider client={fake.client}><RiskRankingView role="admin" /></ApiProvider></I18nProvider>);
    await screen.findByText(/bucho@example\.co\.jp/);
    const file = (text: string) => new File([text], 'attendance.csv', { type: 'text/csv' });
    const input = screen.getByLabelText(/Attendance records/);
    fireEvent.change(input, { target: { files: [file('person,date,start,end\nsato,2026-03-10,09:00,18:00\nyamada,2026-03-10,22:00,6am\n')] } });
    await screen.findByText('Line 3: start and end must be times like 09:00 or 22:30');
    fireEvent.change(input, { target: { files: [file('person,date,start,end\nsato,2026-03-10,09:00,18:00\n')] } });
    await screen.findByText('2 rows imported; scores are being recomputed');
    expect(fake.calls.filter((c) => c.method === 'importRiskAttendance').map((c) => c.args[0])).toEqual([
      'person,date,start,end\nsato,2026-03-10,09:00,18:00\nyamada,2026-03-10,22:00,6am\n', 'person,date,start,end\nsato,2026-03-10,09:00,18:00\n',
    ]);

    fireEvent.change(screen.getByLabelText('Manager e-mail'), { target: { value: 'eigyo@example.co.jp' } });
    fireEvent.change(screen.getByLabelText('Department (empty: all)'), { target: { value: '営業部' } });
    fireEvent.click(screen.getByText('Subscribe'));
    await screen.findByText(/eigyo@example\.co\.jp — 営業部/);
    expect(fake.calls.find((c) => c.method === 'subscribeRiskDigest')?.args).toEqual(['eigyo@example.co.jp', '営業部']);
    unmount();

    render(<I18nProvider locale="ja"><ApiProvider client={fake.client}><RiskRankingView role="operator" /></ApiProvider></I18nProvider>);
    await screen.findByText('リスクランキング');
    expect(screen.queryByText('リスク上昇者の日次ダイジェスト')).toBeNull();
  });
});
