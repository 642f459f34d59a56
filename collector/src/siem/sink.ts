/**
 * Where a SIEM export writes: a TCP/TLS socket or a rotating file. The exporter moves its persisted cursor inside
 * `delivered`, which a sink calls synchronously the moment the operating system holds every byte of a chunk (the
 * socket write completed, the file write returned): bytes the OS holds survive the collector being killed, bytes
 * still in the process do not, so the cursor never runs ahead of what will reach the receiver.
 */
export interface SiemSink {
  /** Connects or opens the file; rejects when it cannot (the exporter retries with backoff). */
  open(): Promise<void>;
  /**
   * Hands one chunk to the OS and calls `delivered` as soon as the OS has all of it; resolves after that (a slow
   * receiver therefore slows the exporter: at most one chunk waits in memory). Rejects if the chunk cannot be
   * delivered (connection lost); the exporter then resends from its cursor.
   */
  write(chunk: Buffer, delivered: () => void): Promise<void>;
  /** The last event the sink itself holds ("agent:seq" from the file's last line), for sinks that can tell. */
  lastDelivered?(): string | undefined;
  /** True while connected / open. */
  readonly isOpen: boolean;
  close(): Promise<void>;
}
