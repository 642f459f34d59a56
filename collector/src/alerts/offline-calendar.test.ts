import { afterEach, describe, expect, it } from 'vitest';
import { defaultPolicyDir, readPolicyDir, type PolicySource } from '@mamori/policies';
import { CollectorHub } from '../hub.ts';
import { SessionRegistry } from '../ingest/sessions.ts';
import type { MailTransport } from '../notify/mail-transport.ts';
import { PolicyService } from '../policy-service.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { AlertService } from './alert-service.ts';

const hour = 3_600_000;
const day = 24 * hour;
// Tuesday 2026-03-03 and Friday 2026-03-20 (Vernal Equinox Day, a holiday in the shipped calendar), Tokyo time.
const workingDay = Date.parse('2026-03-03T00:00:00+09:00');
const holiday = Date.parse('2026-03-20T00:00:00+09:00');

// Three sites: Tokyo (TKY-*) and Fukuoka (FUK-*) work 08:00–19:00; Osaka (OSA-*) goes home at 17:30.
const sitesYaml = `sites:
    tokyo: { pcs: ["TKY-*"], timezone: Asia/Tokyo, holidays: [2026-03-20] }
    osaka: { pcs: ["OSA-*"], timezone: Asia/Tokyo, start: "08:30", end: "17:30", holidays: [2026-03-20] }
    fukuoka: { pcs: ["FUK-*"], timezone: Asia/Tokyo, holidays: [2026-03-20] }`;

const siteNames = ['TKY', 'OSA', 'FUK'];
/** 3,000 generated PCs spread over the three sites. */
const pcs = Array.from({ length: 3_000 }, (_, i) => ({ agentId: `agent-${i}`, pc: `${siteNames[i % 3]}-PC-${String(i).padStart(4, '0')}` }));

class NoMail implements MailTransport {
  async send() {
    return { response: '250 OK' };
  }
  close() {}
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

/** An alert service over 3,000 enrolled PCs, all connected at `start`, driven by a fake clock. */
async function setup(start: number, silent: { agentId: string; pc: string; lastSeenMs: number }[] = [], fleet = pcs) {
  const store = new SqliteStore(':memory:');
  const clock = { now: start };
  const now = () => clock.now;
  const hub = new CollectorHub();
  const policy = new PolicyService(store, new SessionRegistry(), now);
  await policy.load();
  const alertsYaml = readPolicyDir(defaultPolicyDir).find((s) => s.name === 'alerts.yaml')!.text.replace('sites: {}', sitesYaml);
  expect(alertsYaml).toContain('OSA-*');
  const sources: PolicySource[] = readPolicyDir(defaultPolicyDir).map((s) => (s.name === 'alerts.yaml' ? { name: s.name, text: alertsYaml } : s));
  await policy.publish(sources, 'admin');
  for (const agent of [...fleet, ...silent]) {
    await store.createAgent({ id: agent.agentId, pc: agent.pc, hardwareId: `hw-${agent.agentId}`, os: 'windows', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: start - 30 * day, previousAgentId: null });
  }
  for (const agent of silent) await store.setConnected(agent.agentId, false, agent.lastSeenMs);
  // Wall and monotonic clocks move together here (the monotonic case is covered in alert-service.test.ts).
  const service = new AlertService({ repos: store.repos, store, hub, policy, transport: new NoMail(), from: 'mamori@corp.example', now, monotonic: now, onError: (e) => { throw e; } });
  await service.start('https://mamori.corp.example');
  running.push(async () => { await service.stop(); await store.close(); });
  for (const agent of fleet) hub.emit('connection', { ...agent, connected: true, timeMs: start });
  const goOffline = (agents: typeof pcs, at: number) => {
    for (const agent of agents) hub.emit('connection', { ...agent, connected: false, timeMs: at });
  };
  const offlineAlerts = async () => (await store.repos.alerts.list({ kind: 'agent_offline', limit: 10_000 }));
  return { store, clock, service, goOffline, offlineAlerts };
}

describe('offline alerts follow the working calendar per site', () => {
  it('3,000 PCs shutting down at 18:00 on a working day raise one alert per site still at work, whose PC list grows', async () => {
    const { store, clock, service, goOffline, offlineAlerts } = await setup(workingDay + 8 * hour);
    const at1800 = workingDay + 18 * hour;
    // The first half goes at 18:00; checks run every few minutes as in production.
    goOffline(pcs.slice(0, 1_500), at1800);
    for (clock.now = at1800; clock.now <= at1800 + 40 * 60_000; clock.now += 5 * 60_000) await service.checkOffline();
    goOffline(pcs.slice(1_500), at1800 + 10 * 60_000);
    for (; clock.now <= at1800 + 2 * hour; clock.now += 5 * 60_000) await service.checkOffline();

    const alerts = (await offlineAlerts());
    // Osaka's day ended at 17:30: its PCs going off at 18:00 raise nothing. Tokyo and Fukuoka: one alert each.
    expect(alerts.map((a) => [a.title, a.count, a.pc]).sort()).toEqual([
      ['1000 PCs offline at site fukuoka (2026-03-03)', 1_000, ''],
      ['1000 PCs offline at site tokyo (2026-03-03)', 1_000, ''],
    ]);
    const tokyo = alerts.find((a) => a.title.includes('tokyo'))!;
    const listed = (await store.repos.alerts.offlinePcs(tokyo.id));
    expect(listed).toHaveLength(1_000);
    expect(new Set(listed.map((p) => p.pc)).size).toBe(1_000);
    expect(listed.every((p) => p.pc.startsWith('TKY-'))).toBe(true);
    expect(tokyo).toMatchObject({ firstMs: at1800, severity: 'high' });
  });

  it('the same 3,000 PCs shutting down at 18:00 on a holiday, or at 20:00 on a working day, raise nothing', async () => {
    const onHoliday = await setup(holiday + 8 * hour);
    onHoliday.goOffline(pcs, holiday + 18 * hour);
    for (onHoliday.clock.now = holiday + 18 * hour; onHoliday.clock.now <= holiday + 22 * hour; onHoliday.clock.now += 5 * 60_000) await onHoliday.service.checkOffline();
    expect((await onHoliday.offlineAlerts())).toEqual([]);

    const evening = await setup(workingDay + 8 * hour);
    evening.goOffline(pcs, workingDay + 20 * hour);
    for (evening.clock.now = workingDay + 20 * hour; evening.clock.now <= workingDay + 36 * hour; evening.clock.now += 10 * 60_000) await evening.service.checkOffline();
    expect((await evening.offlineAlerts())).toEqual([]);
  });

  it('outages on two working days are two alerts per site, not one per PC', async () => {
    const tokyoPcs = pcs.filter((p) => p.pc.startsWith('TKY-')).slice(0, 30);
    const { clock, service, goOffline, offlineAlerts } = await setup(workingDay + 8 * hour, [], tokyoPcs);
    goOffline(tokyoPcs.slice(0, 10), workingDay + 11 * hour);
    clock.now = workingDay + 12 * hour;
    await service.checkOffline();
    goOffline(tokyoPcs.slice(10, 30), workingDay + day + 11 * hour);
    clock.now = workingDay + day + 12 * hour;
    await service.checkOffline();
    expect((await offlineAlerts()).map((a) => [a.title, a.count])).toEqual([
      ['20 PCs offline at site tokyo (2026-03-04)', 20],
      ['10 PCs offline at site tokyo (2026-03-03)', 10],
    ]);
  });

  it('a site named by the directory import overrides the PC-name patterns (its calendar and its alert)', async () => {
    // FUK-PC-0002 … matches the fukuoka pattern, but the directory says these ten sit in Osaka, whose day ended at 17:30.
    const fukuoka = pcs.filter((p) => p.pc.startsWith('FUK-')).slice(0, 20);
    const { store, clock, service, goOffline, offlineAlerts } = await setup(workingDay + 8 * hour, [], fukuoka);
    await store.repos.directory.replace(fukuoka.slice(0, 10).map((p) => ({ pc: p.pc, department: '営業部', site: 'Osaka' })), workingDay);
    goOffline(fukuoka, workingDay + 18 * hour);
    clock.now = workingDay + 19 * hour;
    await service.checkOffline();
    expect((await offlineAlerts()).map((a) => [a.title, a.count])).toEqual([['10 PCs offline at site fukuoka (2026-03-03)', 10]]);
    expect((await store.repos.alerts.offlinePcs((await offlineAlerts())[0]!.id)).map((p) => p.pc)).toEqual(fukuoka.slice(10).map((p) => p.pc).sort());
  });

  it('a PC silent for 10 days raises no alert at startup nor on the following days', async () => {
    const start = workingDay + 9 * hour;
    const silent = { agentId: 'agent-silent', pc: 'TKY-SILENT', lastSeenMs: start - 10 * day + hour };
    const { clock, service, offlineAlerts } = await setup(start, [silent], pcs.slice(0, 30));
    for (clock.now = start; clock.now <= start + 5 * day; clock.now += 30 * 60_000) await service.checkOffline();
    expect((await offlineAlerts())).toEqual([]);
  });
});
