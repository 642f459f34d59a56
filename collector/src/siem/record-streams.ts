import type { SiemRecordStream, SiemRecordsRepository } from '../store/repositories/siem-records.ts';
import type { SiemConfig, SiemSinkConfig } from './config.ts';
import { alertRecordText, auditRecordText } from './format-records.ts';
import { severityRank } from './severity.ts';
import { octetCountedText } from './syslog-5424.ts';

/** Records read per batch: alerts and audit entries are few next to events, and each batch is one chunk. */
const BATCH = 500;

/** One batch of a stream, ready for the sink, and how to move that stream's cursor once the OS holds it. */
export interface RecordBatch {
  stream: SiemRecordStream;
  bytes: Buffer;
  throughId: number;
  count: number;
}

/**
 * A sink's alert and audit streams (the `records` it carries besides events): a persisted cursor each, batches
 * formatted on the exporter's thread (they are rare next to events), skipped alerts below min_severity counted
 * as passed. The exporter writes each batch like an events chunk and calls `advance` in the sink's delivered callback.
 */
export class RecordStreams {
  readonly #config: SiemSinkConfig;
  readonly #siem: SiemConfig;
  readonly #repository: SiemRecordsRepository;
  readonly #cursors = new Map<SiemRecordStream, number>();

  constructor(config: SiemSinkConfig, siem: SiemConfig, repository: SiemRecordsRepository) {
    this.#config = config;
    this.#siem = siem;
    this.#repository = repository;
  }

  get streams(): SiemRecordStream[] {
    return this.#config.records.filter((r): r is SiemRecordStream => r !== 'events');
  }

  /** Reads each stream's cursor; a stream seen for the first time starts where the sink's `start` says, fixed at once. */
  async load(nowMs: number): Promise<void> {
    for (const stream of this.streams) {
      const saved = await this.#repository.cursor(this.#config.name, stream);
      if (saved) this.#cursors.set(stream, saved.lastId);
      else {
        const start = this.#config.start === 'end' ? await this.#repository.lastId(stream) : 0;
        await this.#repository.advance(this.#config.name, stream, start, 0, nowMs);
        // advance never moves back: read what is stored (a concurrent first start may have set it further).
        this.#cursors.set(stream, (await this.#repository.cursor(this.#config.name, stream))?.lastId ?? start);
      }
    }
  }

  /** After a lost connection: undelivered batches are read again from the persisted cursors. */
  async reload(): Promise<void> {
    for (const stream of this.streams) {
      const saved = await this.#repository.cursor(this.#config.name, stream);
      if (saved) this.#cursors.set(stream, saved.lastId);
    }
  }

  /** A file sink's last line was one of these records ("alert:12", "audit:7"): its cursor moves past it. */
  async resumeFrom(stream: SiemRecordStream, id: number, nowMs: number): Promise<void> {
    if (!this.#cursors.has(stream) || id <= this.#cursors.get(stream)!) return;
    await this.#repository.advance(this.#config.name, stream, id, 0, nowMs);
    this.#cursors.set(stream, id);
  }

  /** The next batch of one stream after its cursor, or undefined when the stream has nothing new. */
  async next(stream: SiemRecordStream): Promise<RecordBatch | undefined> {
    const after = this.#cursors.get(stream) ?? 0;
    const texts: string[] = [];
    let throughId: number;
    if (stream === 'alerts') {
      const alerts = await this.#repository.alertsAfter(after, BATCH);
      if (alerts.length === 0) return undefined;
      const minimum = severityRank(this.#config.min_severity);
      for (const alert of alerts) if (severityRank(alert.severity) >= minimum) texts.push(alertRecordText(this.#config, this.#siem, alert));
      throughId = alerts.at(-1)!.id;
    } else {
      const entries = await this.#repository.auditAfter(after, BATCH);
      if (entries.length === 0) return undefined;
      for (const entry of entries) texts.push(auditRecordText(this.#config, this.#siem, entry));
      throughId = entries.at(-1)!.id;
    }
    const framed = this.#config.format === 'syslog';
    return { stream, bytes: Buffer.from(texts.map((t) => (framed ? octetCountedText(t) : t)).join(''), 'utf8'), throughId, count: texts.length };
  }

  /** Moves a stream's cursor past a delivered batch (called in the sink's delivered callback). */
  advance(batch: RecordBatch, nowMs: number): Promise<void> {
    this.#cursors.set(batch.stream, batch.throughId);
    return this.#repository.advance(this.#config.name, batch.stream, batch.throughId, batch.count, nowMs);
  }
}
