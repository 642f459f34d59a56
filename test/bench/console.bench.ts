// bench:console — p95 latency of the console's API on a big store: the alert list, one PC's history page and a
// log keyword search, with 10M events from 3,000 PCs (BENCH_EVENTS / BENCH_PCS to scale). The data is generated
// straight into a temp SQLite file with the collector's own schema (all migrations), indexes built after the bulk
// load. Requests go through the real HTTP server (session cookie, role check, JSON) with app.inject; the same run
// measures the floor: GET /api/session, which is the auth hook plus JSON and no query.
// Triage at scale: alert list pages 2 and 20 with their total, one bulk resolve of 500 alerts, and a streamed
// 500,000-row CSV export over a real socket (BENCH_EXPORT_ROWS) while other API calls are timed alongside it.
import { rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { encodeEvent, type Event } from '@mamori/proto';
import { SqliteStore } from '@mamori/collector';
import { hashPassword } from '../../collector/src/auth/passwords.ts';
import { CollectorHub } from '../../collector/src/hub.ts';
import { buildHttpServer } from '../../collector/src/http/server.ts';
import { SessionRegistry } from '../../collector/src/ingest/sessions.ts';
import { PolicyService } from '../../collector/src/policy-service.ts';
import { summariseEvent } from '../../collector/src/store/sqlite/indexers/log-entry.ts';
import { decodeEvent, eventKind } from '@mamori/proto';
import { tempDir } from '../harness/collector.ts';

const TOTAL_EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const PCS = Number(process.env.BENCH_PCS ?? 3_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 500_000);
const DAYS = 90;
const END_MS = Date.UTC(2026, 10, 22);
const START_MS = END_MS - DAYS * 86_400_000;

// Deterministic pseudo-random numbers so runs compare.
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const words = ['見積書', '顧客名簿', '売上', '請求書', 'design', 'budget', 'salary', 'contract', 'roadmap', 'minutes', '設計図', 'backup', 'photo', 'report', 'invoice', 'payroll'];
const rare = ['mergerplan', '極秘資料', 'zx-prototype'];
const users = Array.from({ length: 3_500 }, (_, i) => `user${i}`);

/** A pool of realistic encoded events per kind (bytes are reused: the bench measures queries, not storage). */
function eventPool(): { kind: string; bytes: Buffer; summary: ReturnType<typeof summariseEvent> }[] {
  const pool: { kind: string; bytes: Buffer; summary: ReturnType<typeof summariseEvent> }[] = [];
  for (let i = 0; i < 2_000; i += 1) {
    const word = i % 400 === 0 ? pick(rare) : pick(words);
    const name = `${word}-${i}.xlsx`;
    const drafts: Partial<Event>[] = [
      { fileCopy: { destinationPath: `/media/usb/${name}`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 1000 + i, sha256: 'ab'.repeat(32), operation: 'created' } },
      { fileCopy: { destinationPath: `/home/u/Dropbox/${name}`, destinationKind: 'cloud_sync', destinationRoot: '/home/u/Dropbox', sizeBytes: 2000 + i, sha256: 'cd'.repeat(32), operation: 'created' } },
      { printJob: { jobId: i, documentName: `${word}.pdf`, printer: 'PRN-3F', jobUser: 'u', pages: 1 + (i % 40), copies: 1, action: 'logged', state: 'completed' } },
      { mail: { subject: `${word} 送付`, from: 'u@example.co.jp', to: [`x${i}@gmail.com`], attachments: [{ fileName: name, sizeBytes: 5000 }], verdict: 'relayed', bodyExcerpt: 'お世話になっております' } },
      { upload: { fileName: name, destinationHost: pick(['drive.google.com', 'www.dropbox.com', 'wetransfer.com']), category: 'personal_cloud', sizeBytes: 3000 + i } },
      { device: { action: pick(['ATTACHED', 'BLOCKED', 'MOUNTED']), device: { vendorId: '0781', productId: '5583', serial: `SN${i}`, vendor: 'SanDisk', product: 'Ultra Fit' } } },
      { lifecycle: { kind: 'STARTED', agentVersion: '1.0.0' } },
    ];
    for (const draft of drafts) {
      const bytes = encodeEvent({ seq: 1, timeMs: START_MS, agentId: 'a', pc: 'PC', user: 'u', ...draft });
      const decoded = decodeEvent(bytes);
      pool.push({ kind: eventKind(decoded), bytes, summary: summariseEvent(decoded) });
    }
  }
  return pool;
}

/** Bulk load: indexes dropped, one big transaction per million rows, then indexes and the FTS index rebuilt. */
function generate(path: string): { seconds: number } {
  const started = Date.now();
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  db.pragma('temp_store = MEMORY');
  const tables = ['events', 'log_entries', 'alerts'];
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(',')})`)
    .all(...tables) as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);

  const insertAgent = db.prepare(`INSERT INTO agents (id, pc, hardware_id, os, public_key, unlock_key, enrolled_ms, connected, last_seen_ms, current_user, agent_version, policy_version)
    VALUES (?, ?, ?, ?, zeroblob(32), zeroblob(32), ?, ?, ?, ?, '1.0.0', 1)`);
  db.transaction(() => {
    for (let p = 0; p < PCS; p += 1) insertAgent.run(`agent-${p}`, `PC-${String(p).padStart(4, '0')}`, `hw-${p}`, p % 3 ? 'win32' : 'linux', START_MS, p % 5 ? 1 : 0, END_MS - p * 1000, users[p % users.length]);
  })();

  const pool = eventPool();
  const hash = Buffer.alloc(32, 9);
  const insertEvent = db.prepare('INSERT INTO events (id, agent_id, seq, pc, time_ms, received_ms, kind, user, hash, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertLog = db.prepare('INSERT INTO log_entries (event_id, time_ms, pc, user, kind, action, summary, detail, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const seqs = new Array<number>(PCS).fill(0);
  const step = (END_MS - START_MS) / TOTAL_EVENTS;
  const chunk = 1_000_000;
  for (let from = 0; from < TOTAL_EVENTS; from += chunk) {
    db.transaction(() => {
      for (let i = from; i < Math.min(from + chunk, TOTAL_EVENTS); i += 1) {
        const p = Math.floor(random() * PCS);
        const item = pool[Math.floor(random() * pool.length)]!;
        const id = i + 1;
        const timeMs = Math.floor(START_MS + i * step);
        const pc = `PC-${String(p).padStart(4, '0')}`;
        const user = users[p % users.length]!;
        seqs[p]! += 1;
        insertEvent.run(id, `agent-${p}`, seqs[p], pc, timeMs, timeMs, item.kind, user, hash, item.bytes);
        if (item.summary) insertLog.run(id, timeMs, pc, user, item.kind, item.summary.action, item.summary.summary, item.summary.detail, item.summary.sizeBytes);
      }
    })();
    process.stderr.write(`\r  generated ${Math.min(from + chunk, TOTAL_EVENTS).toLocaleString()} events (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  process.stderr.write('\n');

  // Alerts: about one per 200 events, as a tuned installation would keep (the alerts feature's table, if present).
  const hasAlerts = (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'alerts'").get() as { n: number }).n > 0;
  if (hasAlerts) {
    const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
    const insertAlert = db.prepare(`INSERT INTO alerts (rule_id, rule_name, kind, severity, severity_rank, color, status, pc, user, agent_id, title, count, first_ms, last_ms,
      fold_key, fold_window_ms, created_ms, updated_ms) VALUES (?, ?, 'file_copy', ?, ?, '#d32f2f', ?, ?, ?, ?, ?, ?, ?, ?, ?, 3600000, ?, ?)`);
    // The alert page shows the events behind an alert and its title in the reader's language: link ~20 events to
    // each alert and store the title as a message, as the rule engine does.
    const hasTitleMessage = (db.prepare("SELECT COUNT(*) AS n FROM pragma_table_info('alerts') WHERE name = 'title_message'").get() as { n: number }).n > 0;
    const setTitleMessage = hasTitleMessage ? db.prepare('UPDATE alerts SET title_message = ? WHERE id = ?') : undefined;
    const linkEvent = db.prepare('INSERT OR IGNORE INTO alert_events (alert_id, event_id) VALUES (?, ?)');
    const setLinked = db.prepare('UPDATE alerts SET linked_count = ? WHERE id = ?');
    db.transaction(() => {
      const count = Math.floor(TOTAL_EVENTS / 200);
      for (let i = 0; i < count; i += 1) {
        const p = Math.floor(random() * PCS);
        const rank = Math.floor(random() * 5);
        const t = Math.floor(START_MS + (i / count) * (END_MS - START_MS));
        const word = pick(words);
        const id = Number(insertAlert.run(`rule-${rank}`, `Rule ${rank}`, severities[4 - rank], rank, random() < 0.9 ? 'resolved' : pick(['new', 'acknowledged']),
          `PC-${String(p).padStart(4, '0')}`, users[p % users.length], `agent-${p}`, `Copied ${word} to USB`, 1 + Math.floor(random() * 20), t, t + 60_000, `k${i}`, t, t).lastInsertRowid);
        setTitleMessage?.run(JSON.stringify({ key: 'alert.ruleEvent', params: { rule: { key: 'rule', params: { name: 'Bulk copy to USB' } }, what: { key: 'event.file_copy', params: { file: `${word}.xlsx`, root: '/media/usb' } } } }), id);
        const linked = 5 + Math.floor(random() * 20);
        for (let e = 0; e < linked; e += 1) linkEvent.run(id, 1 + ((i * 200 + e * 7) % TOTAL_EVENTS));
        setLinked.run(linked, id);
      }
    })();
  }
  process.stderr.write(`  rebuilding ${indexes.length} indexes and the log search index …\n`);
  for (const index of indexes) db.exec(index.sql);
  db.exec("INSERT INTO log_entries_fts (log_entries_fts) VALUES ('rebuild')");
  db.exec('ANALYZE');
  db.close();
  return { seconds: (Date.now() - started) / 1000 };
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!.toFixed(2));
}

type Inject = Awaited<ReturnType<typeof buildHttpServer>>['app'];

/**
 * Alert pages 2 and 20 (with the total), one bulk resolve of 500 alerts, and a CSV export of EXPORT_ROWS rows read
 * over a real socket (rows counted as they stream, nothing kept) while other API calls run one after another.
 */
async function measureTriage(
  app: Inject, headers: Record<string, string>, csrfToken: string, db: Database.Database,
  measure: (name: string, url: () => string) => Promise<{ p95: number }>,
) {
  const pageUrls = [
    () => '/api/alerts?limit=100&page=2',
    () => '/api/alerts?limit=100&page=20',
    () => '/api/alerts?limit=100&page=2&status=new',
    () => '/api/alerts?limit=100&page=20&severity=critical,high',
  ];
  const pages = await measure('alert pages', () => pick(pageUrls)());
  const sample = (await app.inject({ url: '/api/alerts?limit=100&page=20', headers })).json() as { total: number; alerts: unknown[] };
  if (typeof sample.total !== 'number' || (sample.total > 2_000 && sample.alerts.length === 0)) throw new Error('alert page 20 came back without a total or rows');

  process.stderr.write('  bulk resolve …\n');
  // The generator leaves about 10% open; make sure 500 are, so the action changes exactly 500 however small the run.
  db.prepare("UPDATE alerts SET status = 'new', resolution = NULL WHERE id IN (SELECT id FROM alerts ORDER BY id DESC LIMIT 500)").run();
  const open = (await app.inject({ url: '/api/alerts?limit=500&status=new,acknowledged', headers })).json() as { alerts: { id: number }[] };
  const bulkStarted = performance.now();
  const bulk = await app.inject({
    method: 'POST', url: '/api/alerts/bulk', headers: { ...headers, 'x-csrf-token': csrfToken },
    payload: { action: 'resolve', resolution: 'false_positive', note: 'bench: bulk resolve', ids: open.alerts.map((a) => a.id) },
  });
  const bulkMs = Number((performance.now() - bulkStarted).toFixed(1));
  if (bulk.statusCode !== 200) throw new Error(`bulk resolve: ${bulk.statusCode} ${bulk.body.slice(0, 200)}`);
  const bulkChanged = (bulk.json() as { changed: number }).changed;

  // The time from which exactly EXPORT_ROWS entries (or all, if fewer) are newer: the export's filter.
  const totalRows = (db.prepare('SELECT COUNT(*) AS n FROM log_entries').get() as { n: number }).n;
  const expectedRows = Math.min(EXPORT_ROWS, totalRows);
  const fromMs = (db.prepare('SELECT time_ms AS t FROM log_entries ORDER BY time_ms DESC, event_id DESC LIMIT 1 OFFSET ?').get(expectedRows - 1) as { t: number }).t;
  const expected = (db.prepare('SELECT COUNT(*) AS n FROM log_entries WHERE time_ms >= ?').get(fromMs) as { n: number }).n;

  process.stderr.write(`  exporting ${expected.toLocaleString()} rows …\n`);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const rssTimer = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 50);
  const exportStarted = performance.now();
  let done = false;
  const exported = new Promise<number>((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path: `/api/logs/export.csv?from=${fromMs}`, headers }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`export: HTTP ${res.statusCode}`));
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
      });
      res.on('end', () => resolve(lines - 1)); // minus the header line
      res.on('error', reject);
    }).on('error', reject);
  }).finally(() => { done = true; });
  const otherUrls = [
    () => '/api/alerts?limit=100&page=2',
    () => `/api/logs?limit=100&pc=PC-${String(Math.floor(random() * PCS)).padStart(4, '0')}`,
    () => '/api/alerts/kinds',
    () => '/api/session',
  ];
  const during: number[] = [];
  // Over the same socket as a browser would (app.inject would run in microtasks and starve the export's turns).
  while (!done) {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${pick(otherUrls)()}`, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`call during export: ${res.status}`);
    if (!done) during.push(performance.now() - started);
  }
  const exportRows = await exported;
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  clearInterval(rssTimer);
  if (exportRows !== expected) throw new Error(`export incomplete: ${exportRows} rows of ${expected}`);
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  return {
    pageP95: pages.p95, bulkMs, bulkChanged, exportRows, expectedRows: expected, exportSeconds: Number(exportSeconds.toFixed(2)),
    exportRowsPerS: Math.round(exportRows / exportSeconds), rssBeforeMb: mb(rssBefore), rssPeakMb: mb(rssPeak),
    duringExportP95: during.length ? p95(during) : null, callsDuringExport: during.length,
  };
}

async function main(): Promise<void> {
  const dir = tempDir('bench-console');
  const path = join(dir, 'collector.db');
  try {
    new SqliteStore(path).db.close();
    const { seconds } = generate(path);
    const store = new SqliteStore(path);
    const policy = new PolicyService(store, new SessionRegistry());
    await policy.load();
    await store.putUser({ username: 'bench', passwordHash: await hashPassword('bench-password'), role: 'admin', createdMs: Date.now() });
    const { app } = await buildHttpServer({ store, repos: store.repos, now: Date.now, policy, hub: new CollectorHub() });
    await app.ready();
    const login = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'bench', password: 'bench-password' } });
    const headers = { cookie: `mamori_session=${login.cookies.find((c) => c.name === 'mamori_session')!.value}` };
    const pcName = () => `PC-${String(Math.floor(random() * PCS)).padStart(4, '0')}`;
    const randomTime = () => Math.floor(START_MS + random() * (END_MS - START_MS));

    const measure = async (name: string, url: () => string): Promise<{ p95: number; status: number }> => {
      process.stderr.write(`  measuring ${name} …\n`);
      const times: number[] = [];
      let status = 0;
      for (let i = 0; i < SAMPLES + 10; i += 1) {
        const started = performance.now();
        const res = await app.inject({ url: url(), headers });
        const ms = performance.now() - started;
        status = res.statusCode;
        if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (i >= 10) times.push(ms); // the first requests warm the statement cache
      }
      return { p95: p95(times), status };
    };

    const hasAlertRoutes = (await app.inject({ url: '/api/alerts?limit=1', headers })).statusCode === 200;
    const floor = await measure('floor', () => '/api/session');
    const alertUrls = [
      () => '/api/alerts?limit=100',
      () => '/api/alerts?limit=100&severity=critical',
      () => '/api/alerts?limit=100&status=new',
      () => `/api/alerts?limit=100&pc=${pcName()}`,
      () => `/api/alerts?limit=100&to=${randomTime()}`,
    ];
    const alerts = hasAlertRoutes ? await measure('alerts', () => pick(alertUrls)()) : undefined;
    const historyUrls = [
      () => `/api/pcs/${pcName()}/history?limit=100`,
      () => `/api/pcs/${pcName()}/history?limit=100&at=${randomTime()}`,
      () => `/api/pcs/${pcName()}/history?around=${randomTime()}`,
      () => `/api/pcs/${pcName()}/history?limit=100&kinds=file_copy,device`,
    ];
    const history = await measure('history', () => pick(historyUrls)());
    const searchUrls = [
      () => `/api/logs?limit=100&q=${encodeURIComponent(pick(words))}`,
      () => `/api/logs?limit=100&q=${encodeURIComponent(pick(rare))}`,
      () => `/api/logs?limit=100&q=${encodeURIComponent(`${pick(words)} gmail`)}`,
      () => `/api/logs?limit=100&kind=upload&q=${encodeURIComponent(pick(words))}`,
      () => `/api/logs?limit=100&pc=${pcName()}`,
      () => `/api/logs?limit=100&user=${pick(users)}&from=${randomTime() - 7 * 86_400_000}`,
    ];
    const search = await measure('search', () => pick(searchUrls)());
    const pcs = await measure('pcs', () => '/api/pcs');

    // A page = the calls the console makes to draw it, in parallel as the browser does; p95 of the whole page.
    const measurePage = async (name: string, urls: () => string[], extra: Record<string, string> = {}): Promise<{ p95: number }> => {
      process.stderr.write(`  measuring ${name} …\n`);
      const times: number[] = [];
      for (let i = 0; i < SAMPLES + 10; i += 1) {
        const started = performance.now();
        const answers = await Promise.all(urls().map((url) => app.inject({ url, headers: { ...headers, ...extra } })));
        const ms = performance.now() - started;
        const bad = answers.find((res) => res.statusCode !== 200);
        if (bad) throw new Error(`${name}: ${bad.statusCode} ${bad.body.slice(0, 200)}`);
        if (i >= 10) times.push(ms);
      }
      return { p95: p95(times) };
    };
    const pcPage = await measurePage('PC page with sensor health', () => {
      const pc = pcName();
      return [`/api/pcs/${pc}`, `/api/pcs/${pc}/sensors`, `/api/pcs/${pc}/history?limit=100`];
    });
    const alertIds = hasAlertRoutes ? ((await app.inject({ url: '/api/alerts?limit=1', headers })).json() as { total: number }).total : 0;
    const alertDetail = alertIds > 0
      ? await measurePage('alert page with its events (ja)', () => [`/api/alerts/${1 + Math.floor(random() * alertIds)}`], { 'accept-language': 'ja' })
      : undefined;

    const triage = hasAlertRoutes ? await measureTriage(app, headers, login.json().csrfToken as string, store.db, measure) : undefined;

    const rows = [
      ['alert list (100, mixed filters)', alerts ? alerts.p95 : 'n/a (alerts routes absent)'],
      ['alert list page 2 / 20 with total', triage ? triage.pageP95 : 'n/a'],
      ['bulk resolve of 500 alerts (one request)', triage ? triage.bulkMs : 'n/a'],
      [`other API calls during a ${triage ? triage.exportRows.toLocaleString() : '?'}-row export`, triage ? triage.duringExportP95 : 'n/a'],
      ['PC history page (100 / jump / ±5 min)', history.p95],
      ['log search (keywords, filters)', search.p95],
      ['PC list (all 3,000)', pcs.p95],
      ['PC page (detail + sensor health + history)', pcPage.p95],
      ['alert page with its events, title in Japanese', alertDetail ? alertDetail.p95 : 'n/a'],
      ['floor: GET /api/session', floor.p95],
    ];
    console.log(`\nconsole API on ${TOTAL_EVENTS.toLocaleString()} events, ${PCS.toLocaleString()} PCs (generated in ${seconds.toFixed(0)} s), ${SAMPLES} requests each`);
    for (const [label, value] of rows) console.log(`  ${String(label).padEnd(48)} ${String(label).startsWith('bulk') ? 'took' : 'p95 '} ${value} ms`);
    if (triage) {
      console.log(`  export: ${triage.exportRows.toLocaleString()} rows in ${triage.exportSeconds.toFixed(2)} s = ${triage.exportRowsPerS.toLocaleString()} rows/s (expected ${triage.expectedRows.toLocaleString()})`);
      console.log(`  collector RSS: ${triage.rssBeforeMb} MB before, ${triage.rssPeakMb} MB peak during the export; ${triage.callsDuringExport} other calls answered during it`);
    }
    console.log(JSON.stringify({
      bench: 'console', events: TOTAL_EVENTS, pcs: PCS, samples: SAMPLES,
      p95_ms_alerts: alerts ? alerts.p95 : null, p95_ms_history: history.p95, p95_ms_search: search.p95, p95_ms_pc_list: pcs.p95,
      floor_p95_ms: floor.p95, target_p95_ms: 100,
      p95_ms_pc_page: pcPage.p95, p95_ms_alert_detail: alertDetail ? alertDetail.p95 : null,
      p95_ms_alert_page: triage?.pageP95 ?? null, ms_bulk_resolve_500: triage?.bulkMs ?? null, bulk_resolved: triage?.bulkChanged ?? null,
      export_rows: triage?.exportRows ?? null, export_rows_expected: triage?.expectedRows ?? null, export_seconds: triage?.exportSeconds ?? null,
      export_rows_per_s: triage?.exportRowsPerS ?? null, target_export_rows_per_s: 50_000,
      rss_mb_before_export: triage?.rssBeforeMb ?? null, rss_mb_peak_export: triage?.rssPeakMb ?? null,
      p95_ms_during_export: triage?.duringExportP95 ?? null, calls_during_export: triage?.callsDuringExport ?? null, target_p95_ms_during_export: 200,
    }));
    await app.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
