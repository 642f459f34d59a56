import { AgentConfigSchema, runAgent, type RunningAgent } from '@mamori/agent';
import { afterEach, describe, expect, it } from 'vitest';
import { blockFromDraft } from '../../agent/src/local/tray/common/block-notifier.ts';
import { enrollTestAgent } from '../harness/agent.ts';
import { startTestCollector, waitFor } from '../harness/collector.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(stateDir: string): Promise<RunningAgent> {
  const config = Object.freeze(AgentConfigSchema.parse({ stateDir, local: { port: 0 }, uplink: { backoffInitialMs: 100, backoffMaxMs: 500, heartbeatMs: 60_000 } }));
  return runAgent(config, { sensors: [], lightweight: true, log: () => undefined });
}

/** An answer given while the PC is off reaches it when it comes back, exactly once, and the collector knows. */
describe('access request answered while the agent is offline', () => {
  it('delivers a decline after the agent restarts and records the receipt', async () => {
    const collector = await startTestCollector();
    cleanups.push(() => collector.close());
    const stateDir = await enrollTestAgent(await collector.token(), { hostname: 'PC-OFFLINE-01' });
    let agent = await start(stateDir);
    const notice = agent.tray.notifier.notify(blockFromDraft({
      device: { action: 'BLOCKED', rule: 'device.default', message: 'blocked', device: { vendorId: '0781', productId: '5581', serial: 'OFF1', vendor: 'SanDisk', product: 'Ultra', busPath: '1-2' } },
    })!);
    const request = agent.tray.requests.request(notice, 'scanned invoices for the auditor');
    const row = () => collector.app.store.db.prepare('SELECT id, status, sent_ms AS sentMs, received_ms AS receivedMs FROM access_requests WHERE request_id = ?')
      .get(request.id) as { id: number; status: string; sentMs: number | null; receivedMs: number | null } | undefined;
    await waitFor(() => row() !== undefined, 20_000, 'request stored');
    await agent.stop();

    const login = await collector.app.http.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: collector.adminPassword } });
    const headers = { cookie: `mamori_session=${login.cookies.find((c) => c.name === 'mamori_session')!.value}`, 'x-csrf-token': login.json().csrfToken as string };
    const declined = await collector.app.http.inject({ method: 'POST', url: `/api/access-requests/${row()!.id}/decline`, headers, payload: { note: 'use the shared drive' } });
    expect(declined.statusCode).toBe(200);
    expect(row()).toMatchObject({ status: 'declined', receivedMs: null });

    agent = await start(stateDir);
    cleanups.push(() => agent.stop());
    await waitFor(() => agent.tray.requests.list()[0]?.status === 'declined', 20_000, 'outcome on the PC');
    expect(agent.tray.requests.list()[0]).toMatchObject({ id: request.id, status: 'declined', note: 'use the shared drive' });
    await waitFor(() => row()!.receivedMs !== null, 20_000, 'receipt at the collector');
    const receipts = collector.app.store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE agent_id = ? AND kind = 'access_request'").get(agent.identity.agentId) as { n: number };
    expect(receipts.n).toBe(2);
  });
});
