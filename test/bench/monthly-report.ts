// The report half of bench:report — a monthly inspection report (every item of the shipped monthly_inspection
// template) for 3,000 PCs × 30 days of events (BENCH_PCS, BENCH_EVENTS_PER_PC_DAY to scale). The month is generated
// straight into a temp SQLite file with the collector's own schema: the query tables the report reads (file copies,
// device events, print jobs, mails + attachments, uploads, the combined log), lifecycle events as encoded evidence
// (the report decodes them), integrity findings and audit entries; indexes are built after the bulk load. The
// report is then made in a child process (so its peak RSS is the report's alone) by the same code the scheduler
// runs: queries and PDF (embedded Japanese font) and CSV on the report thread, then stored and its SHA-256 written
// to the audit chain. The child also times API-like reads on its main thread while the report builds.
// For reference, each table's rows for the month read once in SQL (COUNT over the time range), nothing grouped or
// rendered: no report over them can be faster.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { encodeEvent } from '@mamori/proto';
import { SqliteStore } from '@mamori/collector';
import { tempDir } from '../harness/collector.ts';

const PCS = Number(process.env.BENCH_PCS ?? 3_000);
const PER_PC_DAY = Number(process.env.BENCH_EVENTS_PER_PC_DAY ?? 40);
const DAYS = 30;
const jst = 9 * 3_600_000;
const FROM_MS = Date.UTC(2026, 8, 1) - jst; // September 2026 in Tokyo: 30 days
const TO_MS = Date.UTC(2026, 9, 1) - jst;

let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const users = Array.from({ length: 3_500 }, (_, i) => `user${i}`);
const words = ['見積書', '顧客名簿', '売上', '請求書', 'design', 'budget', 'salary', 'contract'];

/** Mostly working hours on weekdays, some evenings, nights and weekends. */
function eventTime(day: number): number {
  const dayStart = FROM_MS + day * 86_400_000;
  if (random() < 0.8) return dayStart + 8 * 3_600_000 + Math.floor(random() * 11 * 3_600_000);
  return dayStart + Math.floor(random() * 86_400_000);
}

function generate(path: string): { seconds: number; events: number } {
  const started = Date.now();
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -500000');
  db.pragma('foreign_keys = OFF'); // query rows stand without their evidence rows here: the report reads only the query tables
  const tables = ['events', 'log_entries', 'file_copies', 'device_events', 'print_jobs', 'mails', 'mail_attachments', 'uploads'];
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(',')})`)
    .all(...tables) as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);

  const insertAgent = db.prepare(`INSERT INTO agents (id, pc, hardware_id, os, public_key, unlock_key, enrolled_ms) VALUES (?, ?, ?, 'win32', zeroblob(32), zeroblob(32), ?)`);
  const s = {
    log: db.prepare('INSERT INTO log_entries (event_id, time_ms, pc, user, kind, action, summary, detail, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    copy: db.prepare(`INSERT INTO file_copies (event_id, agent_id, pc, user, time_ms, destination_path, destination_kind, destination_root, size_bytes, sha256,
      source_path, vendor_id, product_id, serial, operation) VALUES (?, ?, ?, ?, ?, ?, ?, '/media/usb', ?, '', '', '0781', '5583', ?, 'created')`),
    device: db.prepare(`INSERT INTO device_events (event_id, agent_id, pc, user, time_ms, action, vendor_id, product_id, serial, vendor, product, mount_point,
      filesystem, size_bytes, label, rule, message) VALUES (?, ?, ?, ?, ?, ?, '0781', '5583', ?, 'SanDisk', 'Ultra', '', '', 0, '', '', '')`),
    print: db.prepare(`INSERT INTO print_jobs (event_id, agent_id, pc, seq, time_ms, spooler, job_id, document_name, printer, job_user, pages, copies, sheets,
      size_bytes, submitted_ms, completed_ms, state, action, rule) VALUES (?, ?, ?, 0, ?, 'cups', ?, ?, 'PRN-3F', ?, ?, 1, ?, 0, ?, ?, 'completed', ?, '')`),
    mail: db.prepare(`INSERT INTO mails (id, event_id, agent_id, pc, seq, time_ms, user, message_id, sender, to_json, cc_json, bcc_json, subject, size_bytes,
      body_excerpt, verdict, rule, malformed, upstream_response, attachment_count, attachment_names)
      VALUES (?, ?, ?, ?, 0, ?, ?, '', ?, ?, '[]', '[]', ?, ?, '', ?, ?, 0, '', ?, '')`),
    attachment: db.prepare(`INSERT INTO mail_attachments (mail_id, ordinal, file_name, content_type, size_bytes, sha256, inline) VALUES (?, 0, ?, 'application/octet-stream', ?, '', 0)`),
    upload: db.prepare(`INSERT INTO uploads (event_id, agent_id, pc, seq, time_ms, user, file_name, size_bytes, sha256, destination_host, destination_url, page_url,
      category, method, browser, browser_profile, local_path) VALUES (?, ?, ?, 0, ?, ?, ?, ?, '', ?, '', '', ?, 'input', 'chrome', '', '')`),
    event: db.prepare(`INSERT INTO events (id, agent_id, seq, pc, time_ms, received_ms, kind, user, hash, bytes) VALUES (?, ?, ?, ?, ?, ?, 'lifecycle', ?, zeroblob(32), ?)`),
    finding: db.prepare(`INSERT INTO integrity_findings (agent_id, pc, time_ms, kind, detail, count) VALUES (?, ?, ?, ?, '', ?)`),
  };
  const lifecycleBytes = {
    STARTED: encodeEvent({ seq: 1, timeMs: FROM_MS, agentId: 'a', pc: 'PC', user: 'u', lifecycle: { kind: 'STARTED', agentVersion: '1.0.0' } }),
    STOPPED: encodeEvent({ seq: 1, timeMs: FROM_MS, agentId: 'a', pc: 'PC', user: 'u', lifecycle: { kind: 'STOPPED', agentVersion: '1.0.0' } }),
  };
  db.transaction(() => {
    for (let p = 0; p < PCS; p += 1) insertAgent.run(`agent-${p}`, `PC-${String(p).padStart(4, '0')}`, `hw-${p}`, FROM_MS);
  })();
  let id = 0;
  let mailId = 0;
  for (let day = 0; day < DAYS; day += 1) {
    // Rows go in in time order, as ingest stores them (events arrive roughly when they happen), so the time index
    // and the table's row order agree the way they do in a real store.
    const slots: { p: number; t: number }[] = [];
    for (let p = 0; p < PCS; p += 1) for (let i = 0; i < PER_PC_DAY; i += 1) slots.push({ p, t: eventTime(day) });
    slots.sort((a, b) => a.t - b.t);
    db.transaction(() => {
      for (const { p, t } of slots) {
          const pc = `PC-${String(p).padStart(4, '0')}`;
          const agent = `agent-${p}`;
          const user = users[p % users.length]!;
          id += 1;
          const r = random();
          const name = `${pick(words)}-${id}.xlsx`;
          if (r < 0.25) {
            const kind = random() < 0.6 ? 'removable' : 'cloud_sync';
            s.copy.run(id, agent, pc, user, t, `/media/usb/${name}`, kind, 1_000 + (id % 5_000), `SN${p % 50}`);
            s.log.run(id, t, pc, user, 'file_copy', 'created', `/media/usb/${name}`, kind, 1_000);
          } else if (r < 0.40) {
            const pages = random() < 0.05 ? 60 + Math.floor(random() * 200) : 1 + Math.floor(random() * 20);
            const action = random() < 0.02 ? 'cancelled' : 'logged';
            s.print.run(id, agent, pc, t, id, name, user, pages, pages, t, t, action);
            s.log.run(id, t, pc, user, 'print_job', action, name, 'PRN-3F', 0);
          } else if (r < 0.65) {
            mailId += 1;
            const external = random() < 0.3;
            const withAttachment = random() < 0.5;
            const verdict = random() < 0.02 ? 'blocked' : 'relayed';
            const rule = random() < 0.03 ? 'mail.patterns.my_number' : '';
            s.mail.run(mailId, id, agent, pc, t, user, `${user}@example.co.jp`, JSON.stringify([external ? 'someone@gmail.com' : 'boss@example.co.jp']),
              `件名 ${name}`, 5_000, verdict, rule, withAttachment ? 1 : 0);
            if (withAttachment) s.attachment.run(mailId, name, 4_000);
            s.log.run(id, t, pc, user, 'mail', verdict, `件名 ${name}`, '', 5_000);
          } else if (r < 0.75) {
            const category = random() < 0.4 ? 'personal_cloud' : 'organisation';
            const host = category === 'personal_cloud' ? pick(['drive.google.com', 'www.dropbox.com']) : 'intra.example.co.jp';
            s.upload.run(id, agent, pc, t, user, name, 3_000, host, category);
            s.log.run(id, t, pc, user, 'upload', category, name, host, 3_000);
          } else if (r < 0.90) {
            const action = pick(['ATTACHED', 'MOUNTED', 'BLOCKED']);
            s.device.run(id, agent, pc, user, t, action, `SN${p % 50}`);
            s.log.run(id, t, pc, user, 'device', action.toLowerCase(), 'SanDisk Ultra', '', 0);
          } else if (r < 0.95) {
            s.log.run(id, t, pc, user, 'policy_decision', 'block', 'device device.default', '', 0);
          } else {
            const kind = random() < 0.5 ? 'STARTED' : 'STOPPED';
            s.event.run(id, agent, id, pc, t, t, user, lifecycleBytes[kind]);
          }
      }
      for (let p = 0; p < PCS; p += 1) if (random() < 0.01) s.finding.run(`agent-${p}`, `PC-${String(p).padStart(4, '0')}`, eventTime(day), 'chain_break', 1);
    })();
    process.stderr.write(`\r  generated day ${day + 1}/${DAYS} (${id.toLocaleString()} events, ${Math.round((Date.now() - started) / 1000)} s)`);
  }
  process.stderr.write(`\n  rebuilding ${indexes.length} indexes …\n`);
  for (const index of indexes) db.exec(index.sql);
  db.exec('ANALYZE');
  db.close();
  return { seconds: (Date.now() - started) / 1000, events: id };
}

/**
 * Touch every row the report's tables hold for the month once, in SQL (a COUNT over each table's time range, the
 * same indexes the report uses): no grouping, no calendar, no rendering. The report cannot be faster than this.
 */
function ceiling(path: string): number {
  const db = new Database(path, { readonly: true });
  const started = performance.now();
  let rows = 0;
  for (const table of ['log_entries', 'file_copies', 'device_events', 'print_jobs', 'mails', 'uploads']) {
    rows += (db.prepare(`SELECT COUNT(pc) AS n FROM ${table} WHERE time_ms >= ? AND time_ms < ?`).get(FROM_MS, TO_MS) as { n: number }).n;
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  process.stderr.write(`  ceiling: touched ${rows.toLocaleString()} rows in ${seconds.toFixed(2)} s\n`);
  return seconds;
}

export interface MonthlyReportFigures {
  pcs: number; days: number; events: number; reportS: number; reportRssMb: number; scanS: number; mainThreadMaxStallMs: number;
}

/** Generates (or reuses, BENCH_DB) the month, makes the report in a child process, prints a table. */
export async function runMonthlyReportBench(): Promise<MonthlyReportFigures> {
  // BENCH_DB=/path/to/file keeps the generated month there and reuses it on the next run (generation takes minutes).
  const keep = process.env.BENCH_DB;
  const dir = keep ? undefined : tempDir('bench-report');
  const path = keep ?? join(dir!, 'collector.db');
  try {
    let generated = { seconds: 0, events: PCS * PER_PC_DAY * DAYS };
    if (!keep || !existsSync(keep)) {
      new SqliteStore(path).db.close();
      generated = generate(path);
      // Audit entries by a few admins during the month (through the store: the real hash chain).
      const store = new SqliteStore(path);
      for (let i = 0; i < 300; i += 1) await store.appendAudit({ timeMs: FROM_MS + i * 8_000_000, actor: pick(['alice', 'bob']), action: pick(['exception.create', 'policy.publish', 'alert.resolve']), entry: { pc: `PC-${String(i).padStart(4, '0')}` } });
      await store.close();
    }
    const floor = ceiling(path);
    const child = fileURLToPath(new URL('./monthly-report-child.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', child, path, String(FROM_MS), String(TO_MS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
      seconds: number; maxRssMb: number; pdfBytes: number; csvBytes: number; totals: Record<string, number | null>; timings: Record<string, number>;
      mainThreadMaxStallMs: number;
    };
    console.log(`\nmonthly report: ${PCS.toLocaleString()} PCs × ${DAYS} days, ${generated.events.toLocaleString()} events (generated in ${generated.seconds.toFixed(0)} s)`);
    console.log(`  report (queries + PDF + CSV + audit + store)   ${result.seconds.toFixed(1)} s   (target ≤ 60 s)`);
    console.log(`  peak RSS of the reporting process             ${result.maxRssMb.toFixed(0)} MB   (target < 1024 MB)`);
    console.log(`  ceiling: each table's month read once (COUNT)  ${floor.toFixed(1)} s`);
    console.log(`  PDF ${(result.pdfBytes / 1024).toFixed(0)} KB, CSV ${(result.csvBytes / 1024 / 1024).toFixed(1)} MB`);
    for (const [item, total] of Object.entries(result.totals)) {
      console.log(`  ${item.padEnd(28)} ${(total === null ? 'n/a' : total.toLocaleString()).padStart(10)}   queries ${(result.timings[item] ?? 0) / 1000} s`);
    }
    console.log(`  longest main-thread stall while it built      ${result.mainThreadMaxStallMs.toFixed(0)} ms   (the collector's API thread)`);
    return {
      pcs: PCS, days: DAYS, events: generated.events, reportS: result.seconds, reportRssMb: result.maxRssMb, scanS: floor,
      mainThreadMaxStallMs: result.mainThreadMaxStallMs,
    };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

