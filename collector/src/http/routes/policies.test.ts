import { afterEach, describe, expect, it } from 'vitest';
import { consoleTestServer, type ConsoleTestServer } from './console-test-support.ts';
import { currentPolicyResponse, policyValidationResponse, policyVersionResponse, policyVersionsResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

describe('/api/policies', () => {
  it('lets anyone signed in read the sources, but only admins publish; operators get 403', async () => {
    server = await consoleTestServer();
    const auditor = await server.as('auditor');
    const current = expectContract(currentPolicyResponse, (await server.app.inject({ url: '/api/policies', headers: auditor })).json()).current;
    expect(current.version).toBe(1);
    expect(current.sources.map((s: { name: string }) => s.name)).toContain('device.yaml');
    const operator = await server.as('operator');
    const denied = await server.app.inject({ method: 'POST', url: '/api/policies', headers: operator, payload: { sources: current.sources } });
    expect(denied.statusCode).toBe(403);
    expect(server.policy.version).toBe(1);
  });

  it('answers inline problems (file, line, field) for an invalid policy and stores nothing', async () => {
    server = await consoleTestServer();
    const admin = await server.as('admin');
    const { sources } = (await server.app.inject({ url: '/api/policies', headers: admin })).json().current;
    const broken = sources.map((s: { name: string; text: string }) => (s.name === 'device.yaml' ? { ...s, text: `${s.text}\nnot_a_field: 1\n` } : s));
    const res = await server.app.inject({ method: 'POST', url: '/api/policies', headers: admin, payload: { sources: broken } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('COLLECTOR_POLICY_INVALID');
    expect(res.json().problems[0]).toMatchObject({ file: 'device.yaml', line: expect.any(Number) });
    const validated = expectContract(policyValidationResponse, (await server.app.inject({ method: 'POST', url: '/api/policies/validate', headers: admin, payload: { sources: broken } })).json());
    expect(validated.ok).toBe(false);
    expect(server.policy.version).toBe(1);
  });

  it('publishes a new version, lists versions, rolls back as a newer version, and audits both', async () => {
    server = await consoleTestServer();
    const admin = await server.as('admin');
    const { sources } = (await server.app.inject({ url: '/api/policies', headers: admin })).json().current;
    const edited = sources.map((s: { name: string; text: string }) => (s.name === 'device.yaml' ? { ...s, text: `# edited\n${s.text}` } : s));
    const published = await server.app.inject({ method: 'POST', url: '/api/policies', headers: admin, payload: { sources: edited, comment: 'note' } });
    expect(published.statusCode).toBe(201);
    expect(published.json().version).toBe(2);
    const versions = expectContract(policyVersionsResponse, (await server.app.inject({ url: '/api/policies/versions', headers: admin })).json());
    expect(versions.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const rolled = await server.app.inject({ method: 'POST', url: '/api/policies/rollback', headers: admin, payload: { version: 1 } });
    expect(rolled.json().version).toBe(3);
    const v3 = expectContract(policyVersionResponse, (await server.app.inject({ url: '/api/policies/versions/3', headers: admin })).json()).version;
    expect(v3.sources).toEqual(sources);
    const audit = await server.store.listAudit(10);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['policy.publish', 'policy.rollback']));
  });

  it('shows a version stored behind its back (as policy-publish from the CLI does) as current, not as one to roll back to', async () => {
    server = await consoleTestServer();
    const admin = await server.as('admin');
    const { sources } = (await server.app.inject({ url: '/api/policies', headers: admin })).json().current;
    // Written straight to the store, as another process would: this collector's policy service is not told.
    await server.store.savePolicyVersion({ createdMs: Date.now(), createdBy: 'cli', sources, comment: 'from the CLI' });
    const versions = (await server.app.inject({ url: '/api/policies/versions', headers: admin })).json();
    expect(versions.currentVersion).toBe(2);
    expect((await server.app.inject({ url: '/api/policies', headers: admin })).json().current).toMatchObject({ version: 2, createdBy: 'cli' });
    expect(server.policy.version).toBe(2);
  });

  it('refuses a mutation without the CSRF token', async () => {
    server = await consoleTestServer();
    const admin = await server.as('admin');
    const res = await server.app.inject({ method: 'POST', url: '/api/policies/rollback', headers: { cookie: admin.cookie! }, payload: { version: 1 } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('COLLECTOR_CSRF');
  });
});
