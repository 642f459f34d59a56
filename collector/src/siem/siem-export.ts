import type { CollectorHub } from '../hub.ts';
import type { SiemRepository } from '../store/repositories/siem.ts';
import type { SiemRecordsRepository } from '../store/repositories/siem-records.ts';
import type { SiemConfig, SiemSinkConfig } from './config.ts';
import { SinkExporter, type SinkStatus } from './exporter.ts';
import { SiemFormatPool } from './format-pool.ts';
import { RotatingFileSink } from './file-sink.ts';
import type { SiemSink } from './sink.ts';
import { SocketSink } from './socket-sink.ts';

export interface SiemExport {
  /** Each sink's connection state, cursor and delivered count (for /metrics and health). */
  statuses(): SinkStatus[];
  /** The newest event's export position, to tell how far behind each sink is. */
  lastPosition(): Promise<number>;
  stop(): Promise<void>;
}

function sinkFor(config: SiemSinkConfig): SiemSink {
  if (config.socket) return new SocketSink(config.socket);
  return new RotatingFileSink(config.file!);
}

/** Starts one exporter per configured sink; each wakes when the projector reports new events. */
export function startSiemExport(options: {
  siem: SiemConfig; repository: SiemRepository; hub: CollectorHub; now?: () => number;
  /** Alerts and audit entries, for sinks whose `records` name them. */
  records?: SiemRecordsRepository;
  /** Formatting threads (default: spare cores, see defaultFormatThreads). */
  formatThreads?: number;
}): SiemExport {
  const queries = options.repository;
  // Decoding and formatting run on worker threads shared by every sink (none are started without sinks).
  const formatter = new SiemFormatPool(options.siem, { threads: options.siem.sinks.length ? options.formatThreads : 0 });
  const exporters = options.siem.sinks.map((config) => new SinkExporter({
    config, siem: options.siem, queries, sink: sinkFor(config), formatter, ...(options.now ? { now: options.now } : {}),
    ...(options.records ? { records: options.records } : {}),
  }));
  const wake = (): void => { for (const exporter of exporters) exporter.notify(); };
  options.hub.on('events', wake);
  for (const exporter of exporters) exporter.start();
  return {
    statuses: () => exporters.map((e) => e.status),
    lastPosition: () => queries.lastPosition(),
    async stop() {
      options.hub.off('events', wake);
      await Promise.all(exporters.map((e) => e.stop()));
      await formatter.close();
    },
  };
}
