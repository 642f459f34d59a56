// Child of bench:report: makes the shipped monthly_inspection report over a store and prints its time, this
// process's peak RSS (main thread and report thread together) and the longest stall of its main thread while the
// report was built (a 20 ms timer's worst lateness: what an API request would have waited) as one JSON line.
// argv: DB path, from ms, to ms.
import { SqliteStore } from '@mamori/collector';
import { SessionRegistry } from '../../collector/src/ingest/sessions.ts';
import { PolicyService } from '../../collector/src/policy-service.ts';
import { generateReport } from '../../collector/src/reports/generate.ts';

const [path, from, to] = process.argv.slice(2);
const store = new SqliteStore(path!);
const policy = new PolicyService(store, new SessionRegistry());
await policy.load();
let maxStallMs = 0;
let expected = performance.now() + 20;
const ticker = setInterval(() => {
  const now = performance.now();
  maxStallMs = Math.max(maxStallMs, now - expected);
  expected = now + 20;
}, 20);
const started = performance.now();
let timings: Record<string, number> = {};
const report = await generateReport({
  repos: store.repos, store, policy: () => policy.current, now: Date.now, mail: { from: 'mamori@example.co.jp', publicUrl: () => 'http://localhost:8443' },
}, { template: 'monthly_inspection', fromMs: Number(from), toMs: Number(to), periodKind: 'on_demand', actor: 'bench', onTimings: (t) => { timings = t; } });
const seconds = (performance.now() - started) / 1000;
clearInterval(ticker);
const pdf = (await store.repos.reports.file(report!.id, 'pdf'))!;
const csv = (await store.repos.reports.file(report!.id, 'csv'))!;
await store.close();
process.stdout.write(`${JSON.stringify({
  seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, pdfBytes: pdf.length, csvBytes: csv.length, totals: report!.totals, timings,
  mainThreadMaxStallMs: maxStallMs,
})}\n`);
