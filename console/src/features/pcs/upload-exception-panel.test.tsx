// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient } from '../../api/fake-api-client.ts';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { UploadExceptionPanel } from './upload-exception-panel.tsx';

configure({ asyncUtilTimeout: 5_000 });
afterEach(cleanup);

const existing = { id: 'upx_a', pc: 'PC-ACCT-07', user: null, category: null, domain: 'gigafile.nu', untilMs: Date.UTC(2026, 11, 1, 8), reason: '監査', createdBy: 'operator', createdMs: 0, revokedMs: null, revokedBy: null };

describe('UploadExceptionPanel', () => {
  it('grants a domain exception for one user in one form, and revokes one in force', async () => {
    const fake = fakeApiClient({ uploadExceptions: async () => [existing] });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><UploadExceptionPanel pc="PC-ACCT-07" role="operator" now={() => Date.UTC(2026, 11, 1, 0)} /></ApiProvider></I18nProvider>);
    await screen.findByText(/gigafile\.nu/);
    fireEvent.change(screen.getByLabelText('To'), { target: { value: 'domain' } });
    fireEvent.change(screen.getByLabelText('domain'), { target: { value: ' wetransfer.com ' } });
    fireEvent.change(screen.getByLabelText('Only for user (optional)'), { target: { value: 'sato' } });
    fireEvent.change(screen.getByLabelText('Why (recorded)'), { target: { value: 'auditor files' } });
    fireEvent.click(screen.getByRole('button', { name: 'Allow uploads temporarily' }));
    await screen.findByText(/Uploads allowed until/);
    const granted = fake.calls.find((c) => c.method === 'grantUploadException')!.args[0] as Record<string, unknown>;
    expect(granted).toMatchObject({ pc: 'PC-ACCT-07', domain: 'wetransfer.com', user: 'sato', reason: 'auditor files' });
    expect(granted.category).toBeUndefined();
    expect(granted.untilMs).toBeGreaterThan(Date.UTC(2026, 11, 1, 0));

    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'revokeUploadException' && c.args[0] === 'upx_a')).toBe(true));
  });

  it('shows auditors the list without the form', async () => {
    const fake = fakeApiClient({ uploadExceptions: async () => [existing] });
    render(<I18nProvider locale="ja"><ApiProvider client={fake.client}><UploadExceptionPanel pc="PC-ACCT-07" role="auditor" /></ApiProvider></I18nProvider>);
    await screen.findByText(/gigafile\.nu/);
    expect(screen.queryByRole('button', { name: 'アップロードを一時的に許可する' })).toBeNull();
    expect(screen.queryByRole('button', { name: '取り消す' })).toBeNull();
  });
});
