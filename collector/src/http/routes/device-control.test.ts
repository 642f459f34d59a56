import { afterEach, describe, expect, it } from 'vitest';
import { consoleTestServer, day, ingest, type ConsoleTestServer } from './console-test-support.ts';
import { deviceControlView, deviceModeChangeResponse } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

let server: ConsoleTestServer | undefined;
afterEach(async () => server?.close());

const attached = (seq: number, serial: string) => ({
  seq, timeMs: day + seq * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka',
  device: { action: 'ATTACHED' as const, device: { vendorId: '0781', productId: '5581', serial, vendor: 'SanDisk', product: 'Cruzer', busPath: '1-1' } },
});

describe('device control without YAML', () => {
  it('makes one PC read-only as a new policy version, shows where the mode comes from, and inherit undoes it', async () => {
    server = await consoleTestServer(['PC-ACCT-07', 'PC-RECEPTION-1']);
    const admin = await server.as('admin');
    const before = expectContract(deviceControlView, (await server.app.inject({ url: '/api/pcs/PC-ACCT-07/device-control', headers: admin })).json());
    expect(before.state).toMatchObject({ mode: 'block', rule: 'device.default', source: { kind: 'default' }, pcMode: null });
    const versionBefore = server.policy.version;

    const set = await server.app.inject({ method: 'PUT', url: '/api/pcs/PC-ACCT-07/device-mode', headers: admin, payload: { mode: 'read_only' } });
    expect(set.statusCode).toBe(200);
    expect(expectContract(deviceModeChangeResponse, set.json()).state).toMatchObject({ mode: 'read_only', rule: 'device.pcs.PC-ACCT-07', source: { kind: 'pc', name: 'PC-ACCT-07' }, pcMode: 'read_only' });
    expect(server.policy.version).toBe(versionBefore + 1);
    expect((await server.policy.effectiveFor('PC-ACCT-07')).device).toMatchObject({ mode: 'read_only', rule: 'device.pcs.PC-ACCT-07' });
    const stored = await server.store.latestPolicyVersion();
    expect(stored!.comment).toBe('device mode for pc PC-ACCT-07: read_only');
    expect((await server.store.listAudit(5)).map((a) => a.action)).toContain('device_mode.set');

    await server.app.inject({ method: 'PUT', url: '/api/pcs/PC-ACCT-07/device-mode', headers: admin, payload: { mode: 'inherit' } });
    expect((await server.policy.effectiveFor('PC-ACCT-07')).device.rule).toBe('device.default');
  });

  it('sets a group mode, and refuses unknown PCs (with a suggestion), unknown groups, bad modes and non-admins', async () => {
    server = await consoleTestServer(['PC-ACCT-07']);
    const admin = await server.as('admin');
    const operator = await server.as('operator');
    const group = await server.app.inject({ method: 'PUT', url: '/api/device-groups/reception/mode', headers: admin, payload: { mode: 'allow' } });
    expect(group.statusCode).toBe(200);
    expect(group.json().groups).toContainEqual({ name: 'reception', mode: 'allow', pcs: [] });
    const typo = await server.app.inject({ method: 'PUT', url: '/api/pcs/PC-ACCT-7/device-mode', headers: admin, payload: { mode: 'allow' } });
    expect(typo.statusCode).toBe(404);
    expect(typo.json().message).toBe('not found: no PC named PC-ACCT-7; did you mean PC-ACCT-07?');
    expect((await server.app.inject({ method: 'PUT', url: '/api/device-groups/nope/mode', headers: admin, payload: { mode: 'allow' } })).statusCode).toBe(400);
    expect((await server.app.inject({ method: 'PUT', url: '/api/pcs/PC-ACCT-07/device-mode', headers: admin, payload: { mode: 'open' } })).statusCode).toBe(400);
    expect((await server.app.inject({ method: 'PUT', url: '/api/pcs/PC-ACCT-07/device-mode', headers: operator, payload: { mode: 'allow' } })).statusCode).toBe(403);
  });

  it('lists a stick seen on the PC and registers it as a company stick bound to that PC and a user', async () => {
    server = await consoleTestServer(['PC-ACCT-07', 'PC-2']);
    await ingest(server.store, 'agent-1', [attached(1, 'SN-FINANCE-1')]);
    const admin = await server.as('admin');
    const view = (await server.app.inject({ url: '/api/pcs/PC-ACCT-07/device-control', headers: admin })).json();
    expect(view.seen).toMatchObject([{ vendorId: '0781', productId: '5581', serial: 'SN-FINANCE-1', lastUser: 'tanaka' }]);
    const res = await server.app.inject({
      method: 'POST', url: '/api/device-sticks', headers: admin,
      payload: { name: 'finance stick', serial: 'SN-FINANCE-1', vendorId: '0781', productId: '5581', mode: 'allow', pcs: ['PC-ACCT-07'], users: ['tanaka'] },
    });
    expect(res.statusCode).toBe(201);
    expect((await server.policy.effectiveFor('PC-ACCT-07')).device.allow).toEqual([
      { name: 'finance stick', vendor_id: '0781', product_id: '5581', serial: 'SN-FINANCE-1', mode: 'allow', users: ['tanaka'] },
    ]);
    expect((await server.policy.effectiveFor('PC-2')).device.allow).toEqual([]);
    expect((await server.app.inject({ method: 'POST', url: '/api/device-sticks', headers: admin, payload: { name: 'x', serial: 'S', pcs: ['PC-NOPE'] } })).statusCode).toBe(404);
  });

  it('revokes an exception (operator), which leaves the effective policy at once and cannot be revoked twice', async () => {
    server = await consoleTestServer();
    const operator = await server.as('operator');
    const created = await server.app.inject({ method: 'POST', url: '/api/exceptions', headers: operator, payload: { pc: 'PC-ACCT-07', mode: 'allow', untilMs: server.clock.now + 3_600_000, reason: 'mistake' } });
    const { exception } = created.json() as { exception: { id: string } };
    const revoked = await server.app.inject({ method: 'DELETE', url: `/api/exceptions/${exception.id}`, headers: operator });
    expect(revoked.statusCode).toBe(200);
    expect((await server.policy.effectiveFor('PC-ACCT-07')).device.exceptions).toEqual([]);
    expect((await server.app.inject({ method: 'DELETE', url: `/api/exceptions/${exception.id}`, headers: operator })).statusCode).toBe(409);
    expect((await server.app.inject({ method: 'DELETE', url: '/api/exceptions/exc_nope', headers: operator })).statusCode).toBe(404);
    const audit = (await server.store.listAudit(5)).find((a) => a.action === 'device_exception.revoke');
    expect(audit?.entry).toMatchObject({ id: exception.id, pc: 'PC-ACCT-07' });
  });

  it('lists an exception redeemed on the PC from an offline code as active until the agent says it ended', async () => {
    server = await consoleTestServer();
    const untilMs = server.clock.now + 3_600_000;
    const decision = (seq: number, action: string) => ({
      seq, timeMs: day + seq * 60_000, agentId: 'agent-1', pc: 'PC-ACCT-07', user: 'tanaka',
      policyDecision: { subject: 'device', decision: action, rule: 'device.exceptions.unlock-abc', untilMs, detail: 'allow for serial PHONE-1 by unlock code' },
    });
    await ingest(server.store, 'agent-1', [decision(1, 'exception_applied'), decision(2, 'exception_applied')]);
    const auditor = await server.as('auditor');
    const view = expectContract(deviceControlView, (await server.app.inject({ url: '/api/pcs/PC-ACCT-07/device-control', headers: auditor })).json());
    expect(view.exceptions).toEqual([{ id: 'unlock-abc', mode: 'allow', serial: 'PHONE-1', untilMs, appliedMs: day + 2 * 60_000, source: 'offline_code' }]);
    await ingest(server.store, 'agent-1', [decision(3, 'exception_revoked')]);
    expect((await server.app.inject({ url: '/api/pcs/PC-ACCT-07/device-control', headers: auditor })).json().exceptions).toEqual([]);
  });
});
