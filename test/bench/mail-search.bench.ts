// bench:mail-search — keyword search latency over a sent-mail log of BENCH_MAILS (default 1,000,000) mails in the
// collector's real schema (migrations 0100-mails.sql), filled through the real mail indexer, queried through the
// real search function the HTTP route uses. Query mix: Japanese words (3+ and 2 characters), addresses and
// domains, attachment names, two-term ANDs, a filter on PC, terms that match almost everything and nothing.
// Ceiling, measured in the same run: the same result pages read straight by id (no text matching at all): the
// fastest a search returning those rows could be. For contrast, a few LIKE scans show the cost without the index.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event__Output, MailEvent__Output } from '@mamori/proto';
import { SqliteStore } from '@mamori/collector';
import { mailIndexer } from '../../collector/src/store/sqlite/indexers/mail.ts';
import { searchMails } from '../../collector/src/store/sqlite/queries/mail.ts';

const MAILS = Number(process.env.BENCH_MAILS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 400);
const PAGE = 100;

// Deterministic pseudo-random numbers, so every run searches the same log.
let seed = 0x9e3779b9;
function random(): number {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 0x100000000;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const jaWords = ['見積書', '請求書', '打ち合わせ', '会議資料', '議事録', '送付', '確認', 'お願い', '機密', '社外秘', '設計図面',
  '顧客名簿', '契約書', '納品', '発注', '日程調整', '報告', '資料', '来週', '本日', '至急', '対応', '修正版', '最終版', '共有'];
const enWords = ['quote', 'invoice', 'meeting', 'agenda', 'minutes', 'schedule', 'report', 'draft', 'final', 'review',
  'contract', 'delivery', 'order', 'update', 'please', 'attached', 'thanks', 'project', 'design', 'budget'];
const bodies = ['いつもお世話になっております。', 'ご確認のほどよろしくお願いいたします。', '添付の資料をご覧ください。',
  '先日の件について連絡いたします。', 'Please find the document attached.', 'Let me know if you have questions.',
  '修正箇所は赤字で示しています。', 'The schedule has changed slightly.'];
const extensions = ['pdf', 'xlsx', 'docx', 'pptx', 'zip', 'dwg', 'csv', 'png'];
const externalDomains = Array.from({ length: 500 }, (_, i) => `partner${i}.example.com`);
const people = Array.from({ length: 3000 }, (_, i) => `user${i}`);

function sentence(words: number): string {
  return Array.from({ length: words }, () => (random() < 0.6 ? pick(jaWords) : pick(enWords))).join(random() < 0.5 ? '' : ' ');
}

function makeMail(i: number): MailEvent__Output {
  const sender = pick(people);
  const to = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
    (random() < 0.5 ? `${pick(people)}@example.co.jp` : `${pick(people)}@${pick(externalDomains)}`));
  const attachments = random() < 0.3 ? Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
    fileName: `${pick(jaWords)}_${pick(enWords)}_${Math.floor(random() * 1000)}.${pick(extensions)}`,
    contentType: 'application/octet-stream', sizeBytes: Math.floor(random() * 5_000_000), sha256: (i * 7919).toString(16).padStart(64, '0'), inline: false,
    declaredType: 'application/octet-stream', detectedType: '', partPath: [], content: null,
  })) : [];
  return {
    messageId: `<${i}@example.co.jp>`, from: `${sender}@example.co.jp`, to, cc: random() < 0.2 ? [`${pick(people)}@example.co.jp`] : [], bcc: [],
    subject: sentence(2 + Math.floor(random() * 3)), sizeBytes: 4000 + Math.floor(random() * 100_000),
    bodyExcerpt: `${pick(bodies)}${sentence(8)}${pick(bodies)}${sentence(10)}`.slice(0, 300),
    attachments, verdict: random() < 0.95 ? 'relayed' : 'warned', rule: '', malformed: false, upstreamResponse: '250 2.0.0 Ok',
    userSource: '', contentFindings: [], structureProblems: [],
  };
}

const dir = mkdtempSync(join(tmpdir(), 'mamori-bench-mail-'));
const store = new SqliteStore(join(dir, 'bench.db'));
const db = store.db;
db.prepare(`INSERT INTO agents (id, pc, hardware_id, os, public_key, unlock_key, enrolled_ms) VALUES ('bench', 'PC-BENCH', 'hw', 'linux', x'00', x'00', 0)`).run();

console.log(`filling ${MAILS.toLocaleString()} mails through the mail indexer …`);
const fillStarted = performance.now();
// Setup only: a large page cache makes filling a million rows quick; searches below run with the store's own.
const storeCacheSize = db.pragma('cache_size', { simple: true }) as number;
db.pragma('cache_size = -524288');
const index = mailIndexer.prepare(db);
const insertEvent = db.prepare(`INSERT INTO events (agent_id, seq, pc, time_ms, received_ms, kind, user, hash, bytes)
  VALUES ('bench', ?, ?, ?, 0, 'mail', ?, x'00', x'00')`);
const start = Date.UTC(2025, 0, 1);
const fill = db.transaction((from: number, to: number) => {
  for (let i = from; i < to; i += 1) {
    const pc = `PC-${String(i % 3000).padStart(4, '0')}`;
    const user = people[i % people.length]!;
    const timeMs = start + i * 30_000;
    const eventId = Number(insertEvent.run(i + 1, pc, timeMs, user).lastInsertRowid);
    index({ eventId, agentId: 'bench', pc, seq: i + 1, timeMs, user }, { mail: makeMail(i), payload: 'mail' } as Event__Output);
  }
});
for (let i = 0; i < MAILS; i += 10_000) fill(i, Math.min(i + 10_000, MAILS));
db.pragma('wal_checkpoint(TRUNCATE)');
db.exec("INSERT INTO mails_fts (mails_fts) VALUES ('optimize')");
db.pragma(`cache_size = ${storeCacheSize}`);
const fillSeconds = (performance.now() - fillStarted) / 1000;
const dbMb = statSync(join(dir, 'bench.db')).size / 1024 / 1024;
console.log(`filled in ${fillSeconds.toFixed(1)} s; database ${dbMb.toFixed(0)} MB`);

type Query = { name: string; make: () => { text: string; pc?: string } };
const queries: Query[] = [
  { name: 'ja word (3+ chars)', make: () => ({ text: pick(jaWords.filter((w) => w.length >= 3)) }) },
  { name: 'ja word (2 chars)', make: () => ({ text: pick(jaWords.filter((w) => w.length === 2)) }) },
  { name: 'one address', make: () => ({ text: `${pick(people)}@${pick(externalDomains)}` }) },
  { name: 'external domain', make: () => ({ text: pick(externalDomains) }) },
  { name: 'attachment name', make: () => ({ text: `${pick(enWords)}_${Math.floor(random() * 1000)}.${pick(extensions)}` }) },
  { name: 'two terms (AND)', make: () => ({ text: `${pick(jaWords.filter((w) => w.length >= 3))} ${pick(externalDomains)}` }) },
  { name: 'term + PC filter', make: () => ({ text: pick(enWords), pc: `PC-${String(Math.floor(random() * 3000)).padStart(4, '0')}` }) },
  { name: 'matches almost all', make: () => ({ text: 'example.co.jp' }) },
  { name: 'matches nothing', make: () => ({ text: `zz${Math.floor(random() * 1e6)}qq` }) },
];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

// Warm the page cache the way a running collector would be warm.
for (const q of queries) searchMails(db, { ...q.make(), limit: PAGE });

const all: number[] = [];
const ceilingTimes: number[] = [];
const perQuery = new Map<string, number[]>();
for (let n = 0; n < QUERIES; n += 1) {
  const q = queries[n % queries.length]!;
  const params = q.make();
  const t0 = performance.now();
  const rows = searchMails(db, { text: params.text, pc: params.pc, limit: PAGE });
  const ms = performance.now() - t0;
  all.push(ms);
  perQuery.set(q.name, [...(perQuery.get(q.name) ?? []), ms]);
  // Ceiling: the same number of rows, with attachments, fetched by id with no text matching.
  const top = Math.floor(random() * MAILS) + 1;
  const t1 = performance.now();
  searchMails(db, { beforeId: top, limit: Math.max(rows.length, 1) });
  ceilingTimes.push(performance.now() - t1);
}

const likeTimes: number[] = [];
for (const term of ['見積書', 'partner42.example.com', 'zzqq']) {
  const t0 = performance.now();
  db.prepare(`SELECT id FROM mails WHERE subject LIKE ? OR body_excerpt LIKE ? OR to_json LIKE ? ORDER BY id DESC LIMIT ${PAGE}`)
    .all(`%${term}%`, `%${term}%`, `%${term}%`);
  likeTimes.push(performance.now() - t0);
}

console.log('');
console.log('query                 runs    p50 ms   p95 ms   max ms');
for (const [name, times] of perQuery) {
  console.log(`${name.padEnd(20)} ${String(times.length).padStart(5)} ${percentile(times, 50).toFixed(2).padStart(9)} ${percentile(times, 95).toFixed(2).padStart(8)} ${Math.max(...times).toFixed(2).padStart(8)}`);
}
const p95 = percentile(all, 95);
console.log(`${'all'.padEnd(20)} ${String(all.length).padStart(5)} ${percentile(all, 50).toFixed(2).padStart(9)} ${p95.toFixed(2).padStart(8)} ${Math.max(...all).toFixed(2).padStart(8)}`);
console.log(`ceiling (same pages by id, no matching): p95 ${percentile(ceilingTimes, 95).toFixed(2)} ms`);
console.log(`without the index (LIKE scan, ${likeTimes.length} runs): p95 ${percentile(likeTimes, 95).toFixed(0)} ms`);
console.log(`target p95 < 200 ms: ${p95 < 200 ? 'met' : 'NOT met'}`);

await store.close();
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
console.log(JSON.stringify({
  bench: 'mail-search', mails: MAILS, queries: all.length, page: PAGE,
  p50_ms: Number(percentile(all, 50).toFixed(2)), p95_ms: Number(p95.toFixed(2)), max_ms: Number(Math.max(...all).toFixed(2)),
  ceiling_p95_ms: Number(percentile(ceilingTimes, 95).toFixed(2)), like_scan_p95_ms: Number(percentile(likeTimes, 95).toFixed(1)),
  fill_s: Number(fillSeconds.toFixed(1)), db_mb: Math.round(dbMb),
}));
