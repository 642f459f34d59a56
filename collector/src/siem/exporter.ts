import type { SiemRepository } from '../store/repositories/siem.ts';
import type { SiemRecordsRepository } from '../store/repositories/siem-records.ts';
import type { SiemConfig, SiemSinkConfig } from './config.ts';
import { InlineFormatter, type PageFormatter } from './format-pool.ts';
import { RecordStreams } from './record-streams.ts';
import type { SiemSink } from './sink.ts';

/** Events read per page (one SQL query, one formatting job). */
/** A formatted chunk with the export position of the last event it covers (what the cursor moves to). */
interface PositionedChunk {
  bytes: Uint8Array;
  through: number;
  count: number;
}

const READ_LIMIT = 2_000;
/** How often a quiet exporter looks for events another process stored (CLI imports) without a notify. */
const POLL_MS = 500;
const BACKOFF_MS = [250, 1_000, 5_000, 15_000, 30_000];

export interface SinkStatus {
  name: string;
  format: SiemSinkConfig['format'];
  connected: boolean;
  /** Events delivered since the sink was first configured (persisted). */
  exported: number;
  /** Export position of the last event delivered (see SiemRepository: the event's id on SQLite). */
  cursor: number;
  lastError: string | undefined;
}

/**
 * Sends every stored event, oldest first, to one sink, exactly once: a persisted cursor (siem_cursors) moves with
 * each chunk the OS has taken (see SiemSink), events the sink's filter skips move it too, and after a restart or a
 * lost connection the export resumes right after the cursor. A slow receiver slows the export (one chunk at a time).
 */
export class SinkExporter {
  readonly #config: SiemSinkConfig;
  readonly #queries: SiemRepository;
  readonly #sink: SiemSink;
  readonly #now: () => number;
  readonly #formatter: PageFormatter;
  /** Whether the sink carries events (config.records), and its alert/audit streams if it carries any. */
  readonly #events: boolean;
  readonly #records: RecordStreams | undefined;
  #cursor = 0;
  #exported = 0;
  #stopped = false;
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #lastError: string | undefined;

  constructor(options: {
    config: SiemSinkConfig; siem: SiemConfig; queries: SiemRepository; sink: SiemSink; now?: () => number; formatter?: PageFormatter;
    /** Alerts and audit entries, for a sink whose `records` name them. */
    records?: SiemRecordsRepository;
  }) {
    this.#config = options.config;
    this.#queries = options.queries;
    this.#sink = options.sink;
    this.#now = options.now ?? Date.now;
    this.#formatter = options.formatter ?? new InlineFormatter(options.siem);
    this.#events = options.config.records.includes('events');
    const records = options.records && new RecordStreams(options.config, options.siem, options.records);
    this.#records = records?.streams.length ? records : undefined;
  }

  get status(): SinkStatus {
    return { name: this.#config.name, format: this.#config.format, connected: this.#sink.isOpen, exported: this.#exported, cursor: this.#cursor, lastError: this.#lastError };
  }

  start(): void {
    this.#running = this.#loadCursor().then(() => this.#run(), (error: unknown) => { this.#lastError = (error as Error).message; });
  }

  async #loadCursor(): Promise<void> {
    await this.#records?.load(this.#now());
    const saved = await this.#queries.cursor(this.#config.name);
    if (saved) {
      this.#cursor = saved.position;
      this.#exported = saved.exported;
    } else {
      // Fix a new sink's starting point at once, so "end" means the moment it was added, not the next restart.
      this.#cursor = this.#config.start === 'end' ? await this.#queries.lastPosition() : 0;
      await this.#queries.advance(this.#config.name, this.#cursor, 0, this.#now());
    }
  }

  /** New events were stored: look now rather than at the next poll. */
  notify = (): void => {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  };

  async stop(): Promise<void> {
    this.#stopped = true;
    this.notify();
    // A receiver that stopped reading leaves a write pending for ever: give the loop a moment, then close the
    // sink under it (the pending write fails, its events stay after the cursor for the next start).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#running, new Promise((resolve) => { timer = setTimeout(resolve, 2_000); })]);
    clearTimeout(timer);
    await this.#sink.close();
    await this.#running;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      try {
        await this.#sink.open();
        await this.#resumeFromSink();
        failures = 0;
        this.#lastError = undefined;
        await this.#pump();
      } catch (error) {
        this.#lastError = (error as Error).message;
        await this.#sink.close().catch(() => undefined);
        // Whatever was not delivered is resent from the persisted cursor.
        this.#cursor = (await this.#queries.cursor(this.#config.name).catch(() => undefined))?.position ?? this.#cursor;
        await this.#records?.reload().catch(() => undefined);
        await this.#sleep(BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]!);
        failures += 1;
      }
    }
  }

  /** A file that already holds events past the cursor (killed between write and cursor update) wins. */
  async #resumeFromSink(): Promise<void> {
    const last = this.#sink.lastDelivered?.();
    const match = last ? /^(.*):(\d+)$/.exec(last) : null;
    if (!match) return;
    if (match[1] === 'alert' || match[1] === 'audit') {
      await this.#records?.resumeFrom(match[1] === 'alert' ? 'alerts' : 'audit', Number(match[2]), this.#now());
      return;
    }
    const position = await this.#queries.positionOf(match[1]!, Number(match[2]));
    if (position !== undefined && position > this.#cursor) {
      await this.#queries.advance(this.#config.name, position, 0, this.#now());
      this.#cursor = position;
    }
  }

  /**
   * Reads pages ahead of delivery (up to the formatter's depth) so formatting threads work while this one writes;
   * pages are delivered strictly in order and the cursor moves only with delivered chunks, so pages read ahead and
   * not delivered (a lost connection, a stop) are simply read again from the cursor.
   */
  async #pump(): Promise<void> {
    const ahead: Promise<PositionedChunk[]>[] = [];
    let readCursor = this.#cursor;
    while (!this.#stopped) {
      // Alerts and audit entries first, one batch per stream per turn: rare, and never starved by an events backlog.
      const deliveredRecords = await this.#deliverRecords();
      if (this.#stopped) return;
      while (this.#events && ahead.length < this.#formatter.depth) {
        const rows = await this.#queries.eventsAfter(readCursor, READ_LIMIT);
        if (rows.length === 0) break;
        readCursor = rows.at(-1)!.position;
        // Chunks end at an event id; the cursor moves by export position, which is the id only on SQLite.
        const positions = new Map(rows.map((row) => [row.id, row.position]));
        const formatting = this.#formatter.format(rows, this.#config.name)
          .then((chunks) => chunks.map((chunk) => ({ bytes: chunk.bytes, through: positions.get(chunk.throughId)!, count: chunk.count })));
        formatting.catch(() => undefined); // awaited below, in order; an early rejection is not unhandled
        ahead.push(formatting);
      }
      const next = ahead.shift();
      if (!next) {
        if (!deliveredRecords) await this.#sleep(POLL_MS);
        continue;
      }
      for (const chunk of await next) {
        await this.#deliver(chunk.bytes as Buffer, chunk.through, chunk.count);
        if (this.#stopped) return;
      }
    }
  }

  /** One batch of each record stream that has something new; true when any was delivered. */
  async #deliverRecords(): Promise<boolean> {
    if (!this.#records) return false;
    let delivered = false;
    for (const stream of this.#records.streams) {
      const batch = await this.#records.next(stream);
      if (!batch) continue;
      let persisted: Promise<void> = Promise.resolve();
      const advance = (): void => { persisted = this.#records!.advance(batch, this.#now()); };
      if (batch.bytes.length === 0) advance();
      else await this.#sink.write(batch.bytes, advance);
      await persisted;
      delivered = true;
      if (this.#stopped) break;
    }
    return delivered;
  }

  async #deliver(chunk: Buffer, through: number, count: number): Promise<void> {
    // The sink calls back once the chunk is written; the cursor is persisted then, and awaited before the next read.
    let persisted: Promise<void> = Promise.resolve();
    const advance = (): void => {
      persisted = this.#queries.advance(this.#config.name, through, count, this.#now());
      this.#cursor = through;
      this.#exported += count;
    };
    if (chunk.length === 0) advance();
    else await this.#sink.write(chunk, advance);
    await persisted;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.#wake = undefined; resolve(); }, ms);
      this.#wake = () => { clearTimeout(timer); resolve(); };
    });
  }
}
