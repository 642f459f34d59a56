// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, configure } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.ts';
import { ApiProvider } from '../../api/api-context.tsx';
import { fakeApiClient, samplePolicy } from '../../api/fake-api-client.ts';
import { I18nProvider } from '../../i18n/i18n.tsx';
import { lineDiff } from './line-diff.ts';
import { PoliciesView } from './policies-view.tsx';

// CI machines share two cores with other suites: give renders time before calling them missing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(cleanup);

function renderPolicies(fake: ReturnType<typeof fakeApiClient>, role: 'admin' | 'operator' | 'auditor') {
  return render(<I18nProvider locale="en"><ApiProvider client={fake.client}><PoliciesView role={role} /></ApiProvider></I18nProvider>);
}

describe('PoliciesView', () => {
  it('is read-only for an operator: no editing, no publish, no rollback', async () => {
    renderPolicies(fakeApiClient(), 'operator');
    const editor = await screen.findByLabelText('device.yaml') as HTMLTextAreaElement;
    expect(editor.readOnly).toBe(true);
    expect(screen.getByTestId('read-only')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save and push to agents' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Roll back to this' })).toBeNull();
  });

  it('shows the problems of a rejected publish inline, on the right file tab', async () => {
    const problems = [{ file: 'print.yaml', line: 1, column: 1, field: 'thresholds.pages', message: 'Expected number' }];
    const fake = fakeApiClient({ publishPolicy: async () => { throw new ApiError(400, 'COLLECTOR_POLICY_INVALID', '1 problem(s)', problems); } });
    renderPolicies(fake, 'admin');
    const editor = await screen.findByLabelText('device.yaml');
    fireEvent.change(editor, { target: { value: 'default:\n  mode: allow\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and push to agents' }));
    const tab = await screen.findByRole('tab', { name: 'print.yaml (1)' });
    fireEvent.click(tab);
    expect(screen.getByText('print.yaml:1:1')).toBeTruthy();
    expect(screen.getByText('Expected number')).toBeTruthy();
    const sent = fake.calls.find((c) => c.method === 'publishPolicy')!.args[0] as { name: string; text: string }[];
    expect(sent.find((s) => s.name === 'device.yaml')!.text).toBe('default:\n  mode: allow\n');
  });

  it('publishes, diffs an older version against the current one and rolls back', async () => {
    const fake = fakeApiClient({ policyVersion: async (version) => ({ ...samplePolicy, version, sources: [{ name: 'device.yaml', text: 'default:\n  mode: allow\n' }, samplePolicy.sources[1]!] }) });
    renderPolicies(fake, 'admin');
    fireEvent.click(await screen.findByRole('button', { name: 'Save and push to agents' }));
    await screen.findByText('Published version 3; agents receive it now.');
    fireEvent.click(screen.getByRole('button', { name: 'Diff with current' }));
    const diff = await screen.findByTestId('diff');
    expect(diff.textContent).toContain('-2   mode: allow');
    expect(diff.textContent).toContain('+2   mode: block');
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to this' }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'rollbackPolicy' && c.args[0] === 1)).toBe(true));
  });
});

describe('lineDiff', () => {
  it('finds added and removed lines with their numbers', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc').filter((l) => l.op !== 'same')).toEqual([
      { op: 'remove', text: 'b', oldLine: 2 }, { op: 'add', text: 'x', newLine: 2 },
    ]);
    expect(lineDiff('a', 'a').every((l) => l.op === 'same')).toBe(true);
  });
});
