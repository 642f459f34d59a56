// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within, configure } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from './api/client.ts';
import { alertPage, fakeApiClient, sampleAccessRequest, sampleAlert } from './api/fake-api-client.ts';
import { App } from './app.tsx';
import { adoptPathRoute } from './router.ts';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);
beforeEach(() => {
  window.history.replaceState(null, '', '/');
  window.location.hash = '#/alerts';
  localStorage.clear();
});

describe('App', () => {
  it('signs in, shows the sections the role may see, and says why a sign-in failed', async () => {
    let attempts = 0;
    const fake = fakeApiClient({
      signIn: async (username) => {
        attempts += 1;
        if (attempts === 1) throw new ApiError(401, 'COLLECTOR_LOGIN_FAILED', 'wrong');
        return { username, role: 'operator', csrfToken: 't' };
      },
    }, null);
    render(<App client={fake.client} locale="en" />);
    fireEvent.change(await screen.findByLabelText('User name'), { target: { value: 'sato' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('Wrong user name or password.');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'Alerts' });
    expect(screen.getByText('sato (operator)')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Audit log' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Policies' })).toBeTruthy();
  });

  it('switches to Japanese: labels, and dates and numbers in the Japanese format; the choice is remembered', async () => {
    const fake = fakeApiClient({ alerts: async () => alertPage([sampleAlert({ lastMs: Date.UTC(2026, 10, 22, 3, 4, 5), count: 1234 })]) });
    const { container } = render(<App client={fake.client} locale="en" />);
    await screen.findByText('Copied 3 files to USB');
    const firstCell = () => container.querySelector('tr[data-alert-id] td.nowrap')?.textContent ?? '';
    expect(firstCell()).toMatch(/^22\/11\/2026/);
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'ja' } });
    await screen.findByRole('heading', { name: 'アラート' });
    expect(screen.getByRole('link', { name: 'ダッシュボード' })).toBeTruthy();
    // The view is mounted anew in the new language and loads its list again.
    await waitFor(() => expect(firstCell()).toMatch(/^2026\/11\/22/));
    expect(await screen.findByText('×1,234')).toBeTruthy();
    expect(localStorage.getItem('mamori.locale')).toBe('ja');
    expect(document.documentElement.lang).toBe('ja');
  });

  it('opens the alert a mail links to: /alerts/<id> becomes #/alerts/<id> on start-up, after signing in if need be', async () => {
    window.history.replaceState(null, '', '/alerts/42');
    adoptPathRoute();
    expect(window.location.pathname).toBe('/');
    expect(window.location.hash).toBe('#/alerts/42');
    const fake = fakeApiClient({
      alert: async (id) => ({ alert: sampleAlert({ id, title: '<img src=x onerror=alert(1)>.xlsx' }), events: [] }),
      signIn: async (username) => ({ username, role: 'auditor', csrfToken: 't' }),
    }, null);
    const { container } = render(<App client={fake.client} locale="en" />);
    fireEvent.change(await screen.findByLabelText('User name'), { target: { value: 'ito' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const detail = await screen.findByTestId('alert-detail');
    await within(detail).findByText('<img src=x onerror=alert(1)>.xlsx');
    expect(within(detail).getByRole('heading', { name: 'Alert #42' })).toBeTruthy();
    expect(fake.calls.find((c) => c.method === 'alert')!.args).toEqual([42]);
    expect(container.querySelector('img')).toBeNull();
    expect(within(detail).queryByRole('button', { name: 'Acknowledge' })).toBeNull();
  });

  it('lets an operator act on the linked alert, and closes it back to the list', async () => {
    window.location.hash = '#/alerts/3';
    const fake = fakeApiClient({ alert: async (id) => ({ alert: sampleAlert({ id }), events: [] }) }, { username: 'sato', role: 'operator', csrfToken: 't' });
    render(<App client={fake.client} locale="en" />);
    const detail = await screen.findByTestId('alert-detail');
    fireEvent.click(await within(detail).findByRole('button', { name: 'Acknowledge' }));
    fireEvent.change(within(detail).getByLabelText('Note'), { target: { value: 'seen' } });
    fireEvent.click(within(detail).getAllByRole('button', { name: 'Acknowledge' }).at(-1)!);
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'acknowledgeAlert')?.args).toEqual([3, 'seen']));
    fireEvent.click(within(detail).getByRole('link', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByTestId('alert-detail')).toBeNull());
  });

  it('has an access-requests section for every role; auditors get it read-only', async () => {
    const fake = fakeApiClient({ accessRequests: async () => [sampleAccessRequest()] }, { username: 'ito', role: 'auditor', csrfToken: 't' });
    render(<App client={fake.client} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Access requests' }));
    await screen.findByRole('heading', { name: 'Access requests' });
    await screen.findByText('Visitor slides for the 14:00 meeting');
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });
});
