// bench:alerts — (1) latency from an event ingested by the collector (its batch received) to the alert stored and
// to the alert mail accepted by a real SMTP server, p50/p99 over 1,000 events from a real agent, each making a
// new urgent alert; (2) rule-engine throughput with 50 rules active. Ceilings measured in the same run: a bare
// alert insert transaction (alert), a bare nodemailer send to the same server (email), and the engine with the
// events' kinds matching no rule (rules: dispatch cost only).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { buildApp, loadCollectorConfig } from '@mamori/collector';
import { defaultPolicyDir, parsePolicySources, readPolicyDir } from '@mamori/policies';
import { alertFeed } from '../../collector/src/alerts/alert-feed.ts';
import { RuleEngine } from '../../collector/src/alerts/rule-engine.ts';
import type { EngineEvent } from '../../collector/src/alerts/types.ts';
import { migrate } from '../../collector/src/store/sqlite/migrate.ts';
import { recordAlert } from '../../collector/src/store/sqlite/queries/alerts.ts';
import { createEnrollmentToken } from '../../collector/src/tokens.ts';
import { enrollTestAgent } from '../harness/agent.ts';
import { initTestCollector, tempDir, waitFor } from '../harness/collector.ts';

/** The SMTP server in a child process; `onMail` gets each accepted message. */
async function startSink(onMail: (mail: { acceptedMs: number; subject: string; messageId: string }) => void): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./smtp-sink-child.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve) => {
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { port?: number; acceptedMs: number; subject: string; messageId: string };
      if (message.port) resolve({ port: message.port, child });
      else onMail(message);
    });
  });
}

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000);
/** Events per second the agent records (alerts are rare in real life; 1,000 urgent alerts in 10 s is a storm). */
const RATE = Number(process.env.BENCH_RATE ?? 100);
const ENGINE_EVENTS = Number(process.env.BENCH_ENGINE_EVENTS ?? 200_000);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const round = (n: number) => Math.round(n * 10) / 10;

async function endToEnd(): Promise<{ alert: number[]; email: number[] }> {
  const mailAccepted = new Map<string, number>();
  const sink = await startSink((mail) => mailAccepted.set(/^\[\w+\] \S+ (\S+):/.exec(mail.subject)?.[1] ?? '', mail.acceptedMs));
  const { dataDir } = await initTestCollector();
  const config = loadCollectorConfig(dataDir, {
    grpc: { port: 0, host: '127.0.0.1' }, http: { port: 0, host: '127.0.0.1' }, smtp: { host: '127.0.0.1', port: sink.port, from: 'mamori@corp.example' },
  });
  const app = await buildApp(config);
  const { grpcPort } = await app.listen();
  const notifications = 'notifications:\n  rate_limit: { max: 100000, per: 1h }\n  groups:\n    managers: { recipients: [boss@corp.example], min_severity: high, immediate: high, digest: none }\n';
  await app.policy.publish(readPolicyDir(defaultPolicyDir).map((s) => (s.name === 'notifications.yaml' ? { name: s.name, text: notifications } : s)), 'bench');
  const alertStored = new Map<string, number>();
  alertFeed(app.store.repos).on('alert', (alert) => { if (!alertStored.has(alert.user)) alertStored.set(alert.user, performance.timeOrigin + performance.now()); });
  const token = (await createEnrollmentToken(app.store, { address: `localhost:${grpcPort}`, caFingerprint: app.tls.caFingerprint, ttlMs: 3_600_000, uses: 1, actor: 'bench', now: Date.now() })).token;
  const stateDir = await enrollTestAgent(token, { hostname: 'PC-BENCH-1' });
  const agent = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./alerts-agent-child.ts', import.meta.url)), stateDir, String(EVENTS), String(RATE)], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitFor(() => mailAccepted.size >= EVENTS, 120_000, 'every mail');
  const received = new Map((app.store.db.prepare("SELECT user, received_ms AS receivedMs FROM events WHERE kind = 'upload'").all() as { user: string; receivedMs: number }[]).map((r) => [r.user, r.receivedMs]));
  const alert: number[] = [];
  const email: number[] = [];
  for (const [user, receivedMs] of received) {
    alert.push(alertStored.get(user)! - receivedMs);
    email.push(mailAccepted.get(user)! - receivedMs);
  }
  if (process.env.BENCH_DEBUG) {
    const rows = app.store.db.prepare('SELECT created_ms AS c, sent_ms AS s, attempts AS a FROM notify_outbox ORDER BY id').all() as { c: number; s: number; a: number }[];
    const first = rows[0]!.c;
    for (let i = 0; i < rows.length; i += 100) console.log(i, rows[i]!.c - first, rows[i]!.s - first, rows[i]!.a);
    console.log('received span', Math.min(...received.values()) - first, Math.max(...received.values()) - first);
  }
  const exited = new Promise((resolve) => agent.once('exit', resolve));
  agent.kill('SIGTERM');
  await exited;
  await app.close();
  sink.child.kill('SIGTERM');
  return { alert, email };
}

/** The bare cost of storing an alert: one insert transaction with folding lookup, on a file database like the store's. */
function alertCeiling(): number[] {
  const db = new Database(join(tempDir('alerts-ceiling'), 'ceiling.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  const samples: number[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const t = performance.now();
    recordAlert(db, {
      ruleId: 'r', ruleName: 'R', kind: 'upload', severity: 'high', color: '#f57c00', pc: 'PC', user: `u${i}`, agentId: 'a', title: 't',
      firstMs: i, lastMs: i, count: 1, eventIds: [i], foldWindowMs: 3_600_000,
    }, Date.now());
    samples.push(performance.now() - t);
  }
  db.close();
  return samples;
}

/** The bare cost of one mail accepted by the same kind of server: nodemailer over a reused connection. */
async function emailCeiling(): Promise<number[]> {
  const sink = await startSink(() => undefined);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, pool: true, maxConnections: 1 });
  const samples: number[] = [];
  for (let i = 0; i < Math.min(EVENTS, 300); i += 1) {
    const t = performance.now();
    await transport.sendMail({ from: 'mamori@corp.example', to: 'boss@corp.example', subject: `[HIGH] PC user-${i}: x`, text: 'x\n' });
    samples.push(performance.now() - t);
  }
  transport.close();
  sink.child.kill('SIGTERM');
  return samples;
}

function engineThroughput(): { rules: number; eventsPerS: number; ceilingPerS: number; firing: number } {
  const base = readPolicyDir(defaultPolicyDir);
  const shipped = parsePolicySources(base).alerts.rules.length;
  const extra: string[] = [];
  const kinds = ['file_copy', 'print_job', 'mail', 'upload', 'device'];
  for (let i = 0; extra.length + shipped < 50; i += 1) {
    const kind = kinds[i % kinds.length]!;
    const fields = { file_copy: `destination_root: { matches: "^/media/X${i}" }`, print_job: `printer: Printer-${i}`, mail: `subject: { matches: "secret-${i}" }`, upload: `destination_host: host-${i}.example`, device: `device.vendor_id: "${String(i).padStart(4, '0')}"` }[kind];
    const threshold = i % 3 === 0 ? `\n      threshold: { more_than: ${50 + i}, window: 10m }` : '';
    extra.push(`    - id: extra_${i}\n      name: Extra ${i}\n      severity: low\n      match: { kind: ${kind}, fields: { ${fields} } }${threshold}`);
  }
  const alertsText = base.find((s) => s.name === 'alerts.yaml')!.text.trimEnd() + '\n' + extra.join('\n') + '\n';
  const policy = parsePolicySources(base.map((s) => (s.name === 'alerts.yaml' ? { name: s.name, text: alertsText } : s)));
  const engine = new RuleEngine(policy);
  const rules = [...engine.policy.rulesByKind.values()].flat().length;
  const t0 = Date.parse('2026-03-03T10:00:00+09:00');
  // A working day's mix on 3,000 PCs: most events match no rule or an allow-list; a few fire.
  const payload = (i: number): [string, Record<string, unknown>] => {
    switch (i % 5) {
      case 0: return ['file_copy', { destinationPath: `/media/STICK/f-${i}.xlsx`, destinationKind: i % 7 === 0 ? 'removable' : 'network_share', destinationRoot: '/media/STICK', sizeBytes: 1000 }];
      case 1: return ['print_job', { documentName: 'report.pdf', printer: 'P1', pages: i % 97 === 0 ? 80 : 1 + (i % 9) }];
      case 2: return ['mail', { to: i % 50 === 0 ? ['b@gmail.com'] : ['a@example.co.jp'], cc: [], subject: 'quote', attachments: [{ fileName: 'q.pdf', inline: false }], verdict: 'relayed' }];
      case 3: return ['upload', { fileName: 'x.xlsx', destinationHost: i % 100 === 3 ? 'www.dropbox.com' : 'www.example.org', category: i % 100 === 3 ? 'personal_cloud' : 'uncategorised' }];
      default: return ['device', { action: i % 40 === 4 ? 'BLOCKED' : 'MOUNTED', device: { vendorId: '0781', serial: `S${i % 1000}` } }];
    }
  };
  const make = (i: number, kind?: string): EngineEvent => {
    const [k, body] = payload(i);
    return { id: i, agentId: 'a', pc: `PC-${i % 3000}`, user: `user-${(i * 7) % 3000}`, timeMs: t0 + i * 10, kind: kind ?? k, payload: body };
  };
  const run = (kindOverride?: string) => {
    const started = performance.now();
    let candidates = 0;
    for (let i = 0; i < ENGINE_EVENTS; i += 1) candidates += engine.evaluate(make(i, kindOverride)).length;
    return { perS: ENGINE_EVENTS / ((performance.now() - started) / 1000), candidates };
  };
  run(); // warm up
  const withRules = run();
  const ceiling = run('inventory');
  return { rules, eventsPerS: withRules.perS, ceilingPerS: ceiling.perS, firing: withRules.candidates / ENGINE_EVENTS };
}

const e2e = await endToEnd();
const alertBare = alertCeiling();
const emailBare = await emailCeiling();
const engine = engineThroughput();

const rows: [string, string][] = [
  ['events (one new urgent alert + mail each)', `${EVENTS} at ${RATE}/s`],
  ['ingested → alert stored  p50 / p99', `${round(percentile(e2e.alert, 50))} / ${round(percentile(e2e.alert, 99))} ms  (target p99 < 200 ms)`],
  ['ingested → mail accepted p50 / p99', `${round(percentile(e2e.email, 50))} / ${round(percentile(e2e.email, 99))} ms  (target p99 < 3000 ms)`],
  ['ceiling: bare alert insert p99', `${round(percentile(alertBare, 99))} ms`],
  ['ceiling: bare SMTP send p99', `${round(percentile(emailBare, 99))} ms`],
  [`rule engine, ${engine.rules} rules`, `${Math.round(engine.eventsPerS).toLocaleString('en')} events/s (${(engine.firing * 100).toFixed(1)}% of events fire)`],
  ['ceiling: engine, no rule for the kind', `${Math.round(engine.ceilingPerS).toLocaleString('en')} events/s`],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
console.log(JSON.stringify({
  bench: 'alerts', events: EVENTS, rate_per_s: RATE,
  alert_p50_ms: round(percentile(e2e.alert, 50)), alert_p99_ms: round(percentile(e2e.alert, 99)),
  email_p50_ms: round(percentile(e2e.email, 50)), email_p99_ms: round(percentile(e2e.email, 99)),
  rules: engine.rules, rules_events_per_s: Math.round(engine.eventsPerS),
  ceiling_alert_p99_ms: round(percentile(alertBare, 99)), ceiling_email_p99_ms: round(percentile(emailBare, 99)),
  ceiling_rules_events_per_s: Math.round(engine.ceilingPerS),
}));
