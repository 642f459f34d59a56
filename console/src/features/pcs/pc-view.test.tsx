// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient, sampleEvent } from '../../api/fake-api-client.ts';
import type { HistoryQuery } from '@mamori/collector/api';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { defaultUntil } from '../../components/time-input.ts';
import { PcView } from './pc-view.tsx';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);
const hostile = '<img src=x onerror=alert(1)>.xlsx';

function renderPc(fake: ReturnType<typeof fakeApiClient>, props: { role?: 'admin' | 'operator' | 'auditor'; around?: number } = {}) {
  return render(<I18nProvider locale="en"><ApiProvider client={fake.client}><PcView pc="PC-ACCT-07" role={props.role ?? 'operator'} around={props.around} /></ApiProvider></I18nProvider>);
}

describe('PcView', () => {
  it('opens the history as the window around a moment, marks the nearest event, and shows hostile names as text', async () => {
    const at = Date.UTC(2026, 10, 22, 1);
    const fake = fakeApiClient({
      history: async () => ({ mode: 'window', fromMs: at - 300_000, toMs: at + 300_000, next: null, events: [
        sampleEvent({ id: 1, timeMs: at - 200_000, summary: 'before.txt' }),
        sampleEvent({ id: 2, timeMs: at + 1_000, summary: `/media/usb/${hostile}` }),
      ] }),
    });
    const { container } = renderPc(fake, { around: at });
    await screen.findByText(`/media/usb/${hostile}`);
    expect(fake.calls.find((c) => c.method === 'history')!.args).toEqual(['PC-ACCT-07', { around: at }]);
    expect(container.querySelector('li.focus')!.getAttribute('data-event-id')).toBe('2');
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByTestId('window').textContent).toMatch(/^Events from/);
  });

  it('marks events far from their receive time, and each event with its agent when the PC name had several', async () => {
    const at = Date.UTC(2026, 10, 22, 1);
    const fake = fakeApiClient({
      history: async () => ({ mode: 'page', next: null, events: [
        sampleEvent({ id: 3, agentId: 'ag_new', timeMs: at + 3 * 3_600_000, receivedMs: at + 3_600_000, summary: 'ahead.xlsx' }),
        sampleEvent({ id: 2, agentId: 'ag_new', timeMs: at, receivedMs: at + 1_000, summary: 'fine.xlsx' }),
        sampleEvent({ id: 1, agentId: 'ag_old', timeMs: at - 1_000, receivedMs: at, summary: 'old-agent.xlsx' }),
      ] }),
    });
    const { container } = renderPc(fake);
    await screen.findByText('ahead.xlsx');
    const row = (id: number) => container.querySelector(`li[data-event-id="${id}"]`)!;
    expect(row(3).querySelector('[data-testid="clock-skew"]')!.textContent).toBe('PC clock 2.0 h ahead');
    expect(row(2).querySelector('[data-testid="clock-skew"]')).toBeNull();
    expect(screen.getByTestId('several-agents').textContent).toContain('2 agents');
    expect(row(1).querySelector('[data-testid="event-agent"]')!.textContent).toBe('Agent ag_old');
    expect(row(2).querySelector('[data-testid="event-agent"]')!.textContent).toBe('Agent ag_new');
  });

  it('loads older pages with the cursor the server gave', async () => {
    const queries: HistoryQuery[] = [];
    const fake = fakeApiClient({
      history: async (_pc, query) => {
        queries.push(query);
        return query.before
          ? { mode: 'page', next: null, events: [sampleEvent({ id: 5, summary: 'older.docx' })] }
          : { mode: 'page', next: '1000:6', events: [sampleEvent({ id: 6, summary: 'newer.docx' })] };
      },
    });
    renderPc(fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Load older' }));
    await screen.findByText('older.docx');
    expect(screen.getByText('newer.docx')).toBeTruthy();
    expect(queries.at(-1)).toMatchObject({ before: '1000:6' });
  });

  it('grants a temporary exception with mode, serial and expiry', async () => {
    const fake = fakeApiClient();
    renderPc(fake);
    await screen.findByTestId('device-mode');
    fireEvent.change(screen.getByLabelText('Allow as'), { target: { value: 'read_only' } });
    fireEvent.change(screen.getByLabelText('Only this serial (optional)'), { target: { value: 'SN123' } });
    fireEvent.change(screen.getByLabelText('Until'), { target: { value: '2030-01-02T17:00' } });
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'visitor' } });
    fireEvent.click(screen.getByRole('button', { name: 'Grant temporary exception' }));
    await screen.findByText(/Exception granted until/);
    expect(fake.calls.find((c) => c.method === 'grantException')!.args[0]).toEqual({
      pc: 'PC-ACCT-07', mode: 'read_only', serial: 'SN123', untilMs: new Date('2030-01-02T17:00').getTime(), reason: 'visitor',
    });
  });

  it('generates an offline unlock code to read out', async () => {
    const fake = fakeApiClient();
    renderPc(fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Generate code' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('ABCD-EFGH-JKMN-PQRS'));
  });

  it('gives auditors no grant form', async () => {
    renderPc(fakeApiClient(), { role: 'auditor' });
    await screen.findByTestId('device-mode');
    expect(screen.queryByRole('button', { name: 'Grant temporary exception' })).toBeNull();
  });

  it('defaults the expiry to 17:00 today, or two hours ahead late in the day', () => {
    const morning = new Date(2026, 10, 22, 9, 0).getTime();
    expect(defaultUntil(morning)).toBe(new Date(2026, 10, 22, 17, 0).getTime());
    const evening = new Date(2026, 10, 22, 18, 0).getTime();
    expect(defaultUntil(evening)).toBe(evening + 2 * 3_600_000);
  });
});
