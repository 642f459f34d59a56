// bench:report — the two figures issue 18 asks for, in one run:
//   1. SIEM export events/s and its ceiling (siem-export.ts): the same stored records written to a local socket
//      with no formatting, measured in the same run;
//   2. a monthly inspection report for 3,000 PCs × 30 days of generated events (monthly-report.ts): seconds and
//      the peak RSS of the process that makes it.
// Targets: export ≥ 50% of its ceiling; the report in ≤ 60 s under 1 GB RSS. Prints tables, then one JSON line.
// BENCH_SIEM_EVENTS, BENCH_PCS, BENCH_EVENTS_PER_PC_DAY scale it; BENCH_DB=/path keeps the generated month.
import { loadavg } from 'node:os';
import { runMonthlyReportBench } from './monthly-report.ts';
import { runSiemExportBench } from './siem-export.ts';

const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
const loadBefore = load();
process.stdout.write(`load average before: ${loadBefore}\n\n— SIEM export —\n`);
const siem = await runSiemExportBench();
process.stdout.write('\n— monthly inspection report —\n');
const report = await runMonthlyReportBench();
process.stdout.write(`${JSON.stringify({
  bench: 'report',
  report_s: Number(report.reportS.toFixed(2)), report_rss_mb: Math.round(report.reportRssMb),
  export_events_per_s: Math.round(siem.exportPerS), ceiling_events_per_s: Math.round(siem.ceilingPerS),
  export_ratio: Number((siem.exportPerS / siem.ceilingPerS).toFixed(3)), ecs_json_events_per_s: Math.round(siem.ecsPerS),
  siem_events: siem.events, format_threads: siem.formatThreads,
  pcs: report.pcs, days: report.days, report_events: report.events, report_scan_s: Number(report.scanS.toFixed(2)),
  report_main_thread_max_stall_ms: Math.round(report.mainThreadMaxStallMs),
  target_report_s: 60, target_rss_mb: 1024, target_export_ratio: 0.5,
  load_before: loadBefore, load_after: load(),
})}\n`);
