// @vitest-environment jsdom
import { cleanup, render, screen, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient, sampleAlert } from '../../api/fake-api-client.ts';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { AlertDetail } from './alert-detail.tsx';

configure({ asyncUtilTimeout: 5_000 });
afterEach(cleanup);

describe('AlertDetail', () => {
  it('shows an integrity alert by its kind, with its count and the findings behind it', async () => {
    const at = Date.UTC(2026, 10, 22, 1);
    const alert = sampleAlert({
      id: 9, ruleId: 'integrity.stream_auth_failed', ruleName: 'Integrity finding: stream auth failed', kind: 'stream_auth_failed', user: '',
      title: "Stream auth failed: stream from 10.0.0.66: could not prove the agent's key", count: 42,
    });
    const fake = fakeApiClient({
      alert: async () => ({
        alert, events: [], findings: [
          { agentId: 'agent-1', timeMs: at, kind: 'stream_auth_failed', detail: "stream from 10.0.0.66: could not prove the agent's key", count: 1 },
          { agentId: 'agent-1', timeMs: at + 60_000, kind: 'stream_auth_failed', detail: '41 more failed stream authentications in 60 s', count: 41 },
        ],
      }),
    });
    render(<I18nProvider locale="en"><ApiProvider client={fake.client}><AlertDetail id={9} role="auditor" onChanged={() => undefined} /></ApiProvider></I18nProvider>);
    const findings = await screen.findByTestId('alert-findings');
    expect(screen.getByText('Failed agent authentication')).toBeTruthy(); // the kind, labelled
    expect(screen.getByText('42')).toBeTruthy();
    const items = [...findings.querySelectorAll('li')].map((li) => li.textContent ?? '');
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/ stream from 10\.0\.0\.66: could not prove the agent's key$/);
    expect(items[1]).toMatch(/ ×41 41 more failed stream authentications in 60 s$/);
  });
});
