// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { ApiError } from '../../api/client.ts';
import { fakeApiClient, sampleAccessRequest } from '../../api/fake-api-client.ts';
import type { AccessRequest, Role } from '@mamori/collector/api';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { PcView } from '../pcs/pc-view.tsx';
import { AccessRequestsView } from './access-requests-view.tsx';
import { deviceLabel } from './device-label.ts';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);

const nineAm = new Date(2026, 10, 22, 9, 0).getTime();
const hostile = '<img src=x onerror=alert(1)>';
const asShown = (ms: number) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(ms));

function renderView(fake: ReturnType<typeof fakeApiClient>, role: Role = 'operator') {
  return render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AccessRequestsView role={role} now={() => nineAm} /></ApiProvider></I18nProvider>);
}

function listOf(...requests: AccessRequest[]) {
  return fakeApiClient({ accessRequests: async () => requests });
}

describe('AccessRequestsView', () => {
  it('lists pending requests with PC, user, device, reason and time, and asks for another status when chosen', async () => {
    const fake = listOf(sampleAccessRequest({ id: 4 }));
    const { container } = renderView(fake);
    await screen.findByText('Visitor slides for the 14:00 meeting');
    const row = container.querySelector('tr[data-request-id="4"]') as HTMLElement;
    expect(within(row).getByText('PC-ACCT-07').closest('a')?.getAttribute('href')).toBe(`#/pcs/PC-ACCT-07?around=${Date.UTC(2026, 10, 22, 1)}`);
    expect(within(row).getByText('tanaka')).toBeTruthy();
    expect(within(row).getByText('SanDisk Ultra (0781:5581, SN123)')).toBeTruthy();
    expect(within(row).getByText(asShown(Date.UTC(2026, 10, 22, 1)))).toBeTruthy();
    expect(within(row).getByText('Pending')).toBeTruthy();
    expect(fake.calls.find((c) => c.method === 'accessRequests')!.args[0]).toEqual({ limit: 200, status: 'pending', pc: '' });

    fireEvent.change(screen.getByLabelText('Status'), { target: { value: '' } });
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'accessRequests').at(-1)!.args[0]).toMatchObject({ status: '' }));
  });

  it('shows an upload request as its site and files, and approves it for the site or its whole category', async () => {
    const upload = { host: '46.gigafile.nu', domain: 'gigafile.nu', category: 'file_transfer', fileNames: ['見積書.xlsx'] };
    const fake = listOf(sampleAccessRequest({ id: 7, subject: 'upload', upload, reason: 'auditor files' }));
    const { container } = renderView(fake);
    await screen.findByText('auditor files');
    const row = container.querySelector('tr[data-request-id="7"]') as HTMLElement;
    expect(within(row).getByText('Uploads to 46.gigafile.nu (file_transfer): 見積書.xlsx')).toBeTruthy();
    fireEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    const form = screen.getByTestId('decision-7');
    expect(within(form).queryByLabelText('Allow as')).toBeNull(); // a device's mode means nothing for a site
    expect(within(form).queryByText('no serial: the exception covers any device')).toBeNull();
    const scope = within(form).getByLabelText('Allow uploads to') as HTMLSelectElement;
    expect([...scope.options].map((o) => o.textContent)).toEqual(['this site (gigafile.nu)', 'every site of its category (file_transfer)']);
    fireEvent.change(scope, { target: { value: 'category' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'approveAccessRequest')?.args).toEqual([
      7, { untilMs: new Date(2026, 10, 22, 17, 0).getTime(), mode: 'allow', note: '', scope: 'category' },
    ]));
  });

  it('shows who decided, until when, and their note', async () => {
    const until = Date.UTC(2026, 10, 22, 8);
    renderView(listOf(
      sampleAccessRequest({ id: 1, status: 'approved', decidedBy: 'sato', decidedMs: until - 3_600_000, untilMs: until, note: 'ok for today' }),
      sampleAccessRequest({ id: 2, status: 'declined', decidedBy: 'suzuki', decidedMs: until, note: 'use the shared drive' }),
    ), 'operator');
    await screen.findByText(`Approved by sato until ${asShown(until)}`);
    expect(screen.getByText('Declined by suzuki')).toBeTruthy();
    expect(screen.getByText('“use the shared drive”')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('approves with a mode, an expiry (typed or picked) and a note, then reloads the list', async () => {
    const fake = listOf(sampleAccessRequest({ id: 4 }));
    renderView(fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    const form = screen.getByTestId('decision-4');
    expect((within(form).getByLabelText('Until') as HTMLInputElement).value).toBe('2026-11-22T17:00');
    fireEvent.click(within(form).getByRole('button', { name: '4 h' }));
    expect((within(form).getByLabelText('Until') as HTMLInputElement).value).toBe('2026-11-22T13:00');
    fireEvent.change(within(form).getByLabelText('Allow as'), { target: { value: 'read_only' } });
    fireEvent.change(within(form).getByLabelText('Note to the user'), { target: { value: 'read only, please' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'approveAccessRequest')?.args).toEqual([
      4, { untilMs: new Date(2026, 10, 22, 13, 0).getTime(), mode: 'read_only', note: 'read only, please' },
    ]));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'accessRequests')).toHaveLength(2));
    expect(screen.queryByTestId('decision-4')).toBeNull();

    cleanup();
    const typed = listOf(sampleAccessRequest({ id: 5 }));
    renderView(typed, 'admin');
    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    fireEvent.change(screen.getByLabelText('Until'), { target: { value: '2026-11-23T10:30' } });
    fireEvent.click(within(screen.getByTestId('decision-5')).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(typed.calls.find((c) => c.method === 'approveAccessRequest')?.args).toEqual([
      5, { untilMs: new Date(2026, 10, 23, 10, 30).getTime(), mode: 'allow', note: '' },
    ]));
  });

  it('declines with a note', async () => {
    const fake = listOf(sampleAccessRequest({ id: 6 }));
    renderView(fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Decline' }));
    const form = screen.getByTestId('decision-6');
    expect(within(form).queryByLabelText('Until')).toBeNull();
    fireEvent.change(within(form).getByLabelText('Note to the user'), { target: { value: 'use the shared drive' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Decline' }));
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'declineAccessRequest')?.args).toEqual([6, 'use the shared drive']));
  });

  it('says someone else was first when the collector answers 409, and shows the current state', async () => {
    let decided = false;
    const fake = fakeApiClient({
      accessRequests: async () => [decided ? sampleAccessRequest({ id: 7, status: 'declined', decidedBy: 'suzuki', decidedMs: 0 }) : sampleAccessRequest({ id: 7 })],
      approveAccessRequest: async () => {
        decided = true;
        throw new ApiError(409, 'COLLECTOR_CONFLICT', 'access request 7 was already declined');
      },
    });
    renderView(fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    fireEvent.click(within(screen.getByTestId('decision-7')).getByRole('button', { name: 'Approve' }));
    await screen.findByText(/Someone else decided this request first/);
    await screen.findByText('Declined by suzuki');
  });

  it('shows other errors from the collector', async () => {
    const fake = listOf(sampleAccessRequest({ id: 8 }));
    fake.client.approveAccessRequest = async () => { throw new ApiError(400, 'COLLECTOR_QUERY_INVALID', 'untilMs: must be in the future and at most 30 days ahead'); };
    renderView(fake);
    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    fireEvent.click(within(screen.getByTestId('decision-8')).getByRole('button', { name: 'Approve' }));
    expect((await screen.findByRole('alert')).textContent).toContain('must be in the future');
  });

  it('lets auditors see requests but not decide them', async () => {
    renderView(listOf(sampleAccessRequest({ id: 9 })), 'auditor');
    await screen.findByText('Visitor slides for the 14:00 meeting');
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Decline' })).toBeNull();
    expect(screen.getByText('Read only for your role.')).toBeTruthy();
  });

  it('renders hostile text from a PC as text, never as HTML', async () => {
    const request = sampleAccessRequest({
      pc: `PC-${hostile}`, user: '<b>x</b>', reason: `${hostile} please`, blockedRule: '<i>rule</i>',
      device: { vendorId: '<u>v</u>', productId: '1', serial: '<script>s</script>', vendor: hostile, product: '<svg onload=alert(1)>' },
    });
    const { container } = renderView(listOf(request));
    await screen.findByText(`${hostile} please`);
    expect(screen.getByText(`PC-${hostile}`)).toBeTruthy();
    expect(screen.getByText('<b>x</b>')).toBeTruthy();
    expect(screen.getByText(deviceLabel(request.device))).toBeTruthy();
    for (const tag of ['img', 'b', 'i', 'u', 'script', 'svg']) expect(container.querySelector(`tbody ${tag}`)).toBeNull();
  });
});

describe('PC page access requests', () => {
  it('shows the PC\'s pending requests next to device control; approving refreshes its exceptions', async () => {
    const fake = fakeApiClient({ accessRequests: async (filter) => (filter.pc === 'PC-ACCT-07' && filter.status === 'pending' ? [sampleAccessRequest({ id: 11 })] : []) });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><PcView pc="PC-ACCT-07" role="operator" /></ApiProvider></I18nProvider>);
    const panel = await screen.findByTestId('pc-access-requests');
    expect(within(panel).getByRole('link', { name: 'Access requests' }).getAttribute('href')).toBe('#/requests?pc=PC-ACCT-07');
    fireEvent.click(within(panel).getByRole('button', { name: 'Approve' }));
    fireEvent.click(within(screen.getByTestId('decision-11')).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'pc')).toHaveLength(2));
    expect(fake.calls.find((c) => c.method === 'approveAccessRequest')!.args[0]).toBe(11);
  });

  it('gives auditors no buttons there either', async () => {
    render(<I18nProvider locale="en"><ApiProvider client={listOf(sampleAccessRequest({ id: 12 })).client}><PcView pc="PC-ACCT-07" role="auditor" /></ApiProvider></I18nProvider>);
    const panel = await screen.findByTestId('pc-access-requests');
    expect(within(panel).queryByRole('button')).toBeNull();
  });
});
