// The SIEM half of bench:report. BENCH_SIEM_EVENTS (default 200,000) realistic events (print jobs, file copies to
// USB, mails with attachments, uploads) are stored in the collector's real schema; then:
//   export:  the real SinkExporter + SocketSink, with the collector's formatting threads (SiemFormatPool), read them
//            from the store, decode each event, build its ECS document / RFC 5424 message, frame it (octet
//            counting), write to a local TCP receiver, and move the persisted cursor per chunk — the path a syslog
//            sink takes in production;
//   ceiling: the same records read from the store in the same pages and written to the same kind of local socket
//            with no formatting (their stored bytes as they are).
// A receiver in this process counts bytes.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZERO_HASH, chainHash, encodeEvent, type Event } from '@mamori/proto';
import { SqliteStore } from '@mamori/collector';
import { SiemConfigSchema } from '../../collector/src/siem/config.ts';
import { SinkExporter } from '../../collector/src/siem/exporter.ts';
import { SiemFormatPool, defaultFormatThreads } from '../../collector/src/siem/format-pool.ts';
import { SocketSink } from '../../collector/src/siem/socket-sink.ts';
import type { SiemRepository } from '../../collector/src/store/repositories/siem.ts';

const EVENTS = Number(process.env.BENCH_SIEM_EVENTS ?? 200_000);
const PAGE = 2_000; // the exporter's page size
const FORMAT_THREADS = process.env.BENCH_SIEM_THREADS ? Number(process.env.BENCH_SIEM_THREADS) : defaultFormatThreads();

function draft(i: number): Omit<Event, 'seq' | 'agentId' | 'timeMs' | 'pc'> {
  switch (i % 4) {
    case 0: return { user: `user${i % 3000}`, printJob: { jobId: i, documentName: `見積書-${i}.pdf`, printer: 'FLOOR3-MFP', pages: 1 + (i % 40), copies: 1, state: 'completed', action: 'logged', spooler: 'cups' } };
    case 1: return { user: `user${i % 3000}`, fileCopy: { destinationPath: `/media/usb/顧客名簿-${i}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 40_000 + i, sha256: 'ab'.repeat(32), operation: 'created',
      device: { vendorId: '0781', productId: '5581', serial: `SN${i % 50}`, vendor: 'SanDisk', product: 'Ultra', busPath: '1-2' } } };
    case 2: return { user: `user${i % 3000}`, mail: { messageId: `<m${i}@city.example>`, from: `user${i % 3000}@city.example`, to: [`partner${i % 500}@example.com`], cc: [], bcc: [], subject: `資料送付 ${i}`, sizeBytes: 90_000, verdict: 'relayed',
      attachments: [{ fileName: `設計図面-${i}.pdf`, contentType: 'application/pdf', sizeBytes: 88_000, sha256: 'cd'.repeat(32), inline: false }] } };
    default: return { user: `user${i % 3000}`, upload: { pageUrl: 'https://drive.example/', destinationHost: 'drive.example', destinationUrl: 'https://drive.example/upload', fileName: `売上-${i}.xlsx`, sizeBytes: 12_000, sha256: 'ef'.repeat(32), method: 'input', category: 'personal_cloud', browser: 'chromium' } };
  }
}

async function seed(store: SqliteStore): Promise<void> {
  const agents = 100;
  const heads = Array.from({ length: agents }, () => ({ seq: 0, hash: ZERO_HASH }));
  const start = Date.UTC(2026, 10, 1);
  for (let first = 0; first < EVENTS; first += 500) {
    const agent = (first / 500) % agents;
    const head = heads[agent]!;
    const events = [];
    for (let i = first; i < Math.min(first + 500, EVENTS); i += 1) {
      head.seq += 1;
      const envelope = { seq: head.seq, timeMs: start + i * 1000, agentId: `ag_${agent}`, pc: `PC-${String(agent).padStart(4, '0')}`, user: `user${i % 3000}` };
      const bytes = encodeEvent({ ...draft(i), ...envelope });
      head.hash = chainHash(head.hash, bytes);
      const kind = ['print_job', 'file_copy', 'mail', 'upload'][i % 4]!;
      events.push({ seq: head.seq, bytes, hash: head.hash, envelope: { ...envelope, kind } });
    }
    await store.appendBatch({ agentId: `ag_${agent}`, firstSeq: events[0]!.seq, lastSeq: events.at(-1)!.seq, prevHash: ZERO_HASH, lastHash: head.hash, signature: Buffer.alloc(64), events }, start);
  }
}

/** A local receiver that reads as fast as it can and counts bytes. */
async function receiver(): Promise<{ port: number; bytes: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => { sockets.add(socket); socket.on('data', (d) => { bytes += d.length; }); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port, bytes: () => bytes,
    close: async () => { for (const s of sockets) s.destroy(); await new Promise((resolve) => server.close(resolve)); },
  };
}

async function ceiling(queries: SiemRepository, port: number): Promise<{ seconds: number; bytes: number }> {
  const socket = await new Promise<net.Socket>((resolve) => { const s = net.connect(port, '127.0.0.1', () => resolve(s)); });
  socket.setNoDelay(true);
  const started = performance.now();
  let cursor = 0;
  let bytes = 0;
  for (;;) {
    const rows = await queries.eventsAfter(cursor, PAGE);
    if (rows.length === 0) break;
    const chunk = Buffer.concat(rows.map((r) => r.bytes));
    bytes += chunk.length;
    await new Promise<void>((resolve, reject) => socket.write(chunk, (error) => (error ? reject(error) : resolve())));
    cursor = rows.at(-1)!.position;
  }
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  return { seconds, bytes };
}

async function exportRun(queries: SiemRepository, port: number, name: string, format: 'syslog' | 'ecs_json'): Promise<{ seconds: number }> {
  const siem = SiemConfigSchema.parse({ sinks: [{ name, format, socket: { host: '127.0.0.1', port } }] });
  const config = siem.sinks[0]!;
  const formatter = new SiemFormatPool(siem, { threads: FORMAT_THREADS });
  const exporter = new SinkExporter({ config, siem, queries, sink: new SocketSink(config.socket!), formatter });
  await formatter.ready(); // threads live as long as the collector: their start is not part of the export
  const last = await queries.lastPosition();
  const started = performance.now();
  exporter.start();
  while (exporter.status.cursor < last) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = (performance.now() - started) / 1000;
  await exporter.stop();
  await formatter.close();
  return { seconds };
}

export interface SiemExportFigures { events: number; exportPerS: number; ceilingPerS: number; ecsPerS: number; formatThreads: number }

/** Seeds a store, measures the ceiling and the two export formats, prints a table. */
export async function runSiemExportBench(): Promise<SiemExportFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-bench-report-'));
  const store = new SqliteStore(join(dir, 'collector.db'));
  try {
    process.stdout.write(`seeding ${EVENTS.toLocaleString()} events …\n`);
    await seed(store);
    const queries = store.repos.siem;
    const sink = await receiver();
    // Warm the page cache and the JIT once, then measure each path.
    await ceiling(queries, sink.port);
    const raw = await ceiling(queries, sink.port);
    const before = sink.bytes();
    const syslog = await exportRun(queries, sink.port, 'bench-syslog', 'syslog');
    const syslogBytes = sink.bytes() - before;
    const ecs = await exportRun(queries, sink.port, 'bench-ecs', 'ecs_json');
    await sink.close();
    const ceilingRate = EVENTS / raw.seconds;
    const exportRate = EVENTS / syslog.seconds;
    const rows: [string, string, string][] = [
      ['ceiling: stored bytes → socket, no formatting', `${Math.round(ceilingRate).toLocaleString()} events/s`, `${(raw.bytes / 1e6).toFixed(1)} MB`],
      ['export: syslog RFC 5424 + structured data, octet-counted', `${Math.round(exportRate).toLocaleString()} events/s`, `${(syslogBytes / 1e6).toFixed(1)} MB`],
      ['export: ECS JSON lines (same socket)', `${Math.round(EVENTS / ecs.seconds).toLocaleString()} events/s`, ''],
    ];
    for (const [what, rate, size] of rows) process.stdout.write(`${what.padEnd(52)} ${rate.padStart(20)} ${size.padStart(10)}\n`);
    process.stdout.write(`export / ceiling: ${(exportRate / ceilingRate).toFixed(2)} (target ≥ 0.50)\n`);
    return { events: EVENTS, exportPerS: exportRate, ceilingPerS: ceilingRate, ecsPerS: EVENTS / ecs.seconds, formatThreads: FORMAT_THREADS };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
