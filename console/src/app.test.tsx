// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, configure } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from './api/client.ts';
import { fakeApiClient, sampleAlert } from './api/fake-api-client.ts';
import { App } from './app.tsx';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);
beforeEach(() => {
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
    const fake = fakeApiClient({ alerts: async () => [sampleAlert({ lastMs: Date.UTC(2026, 10, 22, 3, 4, 5), count: 1234 })] });
    const { container } = render(<App client={fake.client} locale="en" />);
    await screen.findByText('Copied 3 files to USB');
    const firstCell = () => container.querySelector('tr[data-alert-id] td')!.textContent;
    expect(firstCell()).toMatch(/^22\/11\/2026/);
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'ja' } });
    await screen.findByRole('heading', { name: 'アラート' });
    expect(screen.getByRole('link', { name: 'ダッシュボード' })).toBeTruthy();
    expect(firstCell()).toMatch(/^2026\/11\/22/);
    expect(screen.getByText('×1,234')).toBeTruthy();
    expect(localStorage.getItem('mamori.locale')).toBe('ja');
    expect(document.documentElement.lang).toBe('ja');
  });
});
