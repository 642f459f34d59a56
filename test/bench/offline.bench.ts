// Offline alerts at 3,000 PCs: the cost of the check that folds an 18:00 shutdown into one alert per site, and of
// the "not reporting" query. Prints figures and a final JSON line; asserts nothing (see the unit tests for that).
// Run: npm run bench:offline
import { performance } from 'node:perf_hooks';
import { defaultPolicyDir, readPolicyDir, type PolicySource } from '@mamori/policies';
import { AlertService } from '../../collector/src/alerts/alert-service.ts';
import { CollectorHub } from '../../collector/src/hub.ts';
import { SessionRegistry } from '../../collector/src/ingest/sessions.ts';
import { PolicyService } from '../../collector/src/policy-service.ts';
import { listAlerts } from '../../collector/src/store/sqlite/queries/alerts.ts';
import { notReportingPcs } from '../../collector/src/store/sqlite/queries/offline-pcs.ts';
import { SqliteStore } from '../../collector/src/store/sqlite/sqlite-store.ts';

const PCS = Number(process.env.BENCH_PCS ?? 3_000);
const hour = 3_600_000;
const day = 24 * hour;
const workingDay = Date.parse('2026-03-03T00:00:00+09:00');
const prefixes = ['TKY', 'OSA', 'FUK', 'NGY', 'SPR'];
const round = (n: number) => Math.round(n * 100) / 100;

const store = new SqliteStore(':memory:');
const clock = { now: workingDay + 8 * hour };
const now = () => clock.now;
const policy = new PolicyService(store, new SessionRegistry(), now);
await policy.load();
const sites = prefixes.map((p) => `    ${p.toLowerCase()}: { pcs: ["${p}-*"], timezone: Asia/Tokyo }`).join('\n');
const sources: PolicySource[] = readPolicyDir(defaultPolicyDir).map((s) => (s.name === 'alerts.yaml' ? { name: s.name, text: s.text.replace('sites: {}', `sites:\n${sites}`) } : s));
await policy.publish(sources, 'bench');
const agents = Array.from({ length: PCS }, (_, i) => ({ agentId: `agent-${i}`, pc: `${prefixes[i % prefixes.length]}-PC-${i}` }));
for (const a of agents) {
  await store.createAgent({ id: a.agentId, pc: a.pc, hardwareId: `hw-${a.agentId}`, os: 'windows', publicKey: Buffer.alloc(32), unlockKey: Buffer.alloc(32), enrolledMs: workingDay - 30 * day, previousAgentId: null });
}
const hub = new CollectorHub();
const service = new AlertService({
  repos: store.repos, store, hub, policy, from: 'bench@corp.example', transport: { send: async () => ({ response: '250' }), close() {} }, now, monotonic: now,
});
await service.start('https://mamori.example');
for (const a of agents) hub.emit('connection', { ...a, connected: true, timeMs: clock.now });
for (const a of agents) hub.emit('connection', { ...a, connected: false, timeMs: workingDay + 18 * hour });
clock.now = workingDay + 18 * hour + 31 * 60_000;
let start = performance.now();
service.checkOffline();
const foldMs = performance.now() - start;
const alerts = listAlerts(store.db, { kind: 'agent_offline', limit: 100 }).length;
start = performance.now();
service.checkOffline();
const idleCheckMs = performance.now() - start;
for (const [n, a] of agents.entries()) await store.setConnected(a.agentId, false, clock.now - (n % 20) * day);
start = performance.now();
const silent = notReportingPcs(store.db, clock.now - 3 * day).length;
const notReportingMs = performance.now() - start;
await service.stop();
await store.close();

console.log(`${PCS} PCs offline at 18:00 → ${alerts} alerts (${prefixes.length} sites); fold check ${round(foldMs)} ms, next check ${round(idleCheckMs)} ms`);
console.log(`not reporting (> 3 days): ${silent} PCs in ${round(notReportingMs)} ms`);
console.log(JSON.stringify({ bench: 'offline', pcs: PCS, sites: prefixes.length, offline_alerts: alerts, offline_fold_check_ms: round(foldMs), offline_idle_check_ms: round(idleCheckMs), not_reporting_pcs: silent, not_reporting_query_ms: round(notReportingMs) }));
