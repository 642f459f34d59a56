/** Device control data the console, API and CLI need beyond the store's exception writes. */

/** A stored exception (console, API, CLI or an approved access request). */
export interface DeviceExceptionRow {
  id: string;
  pc: string;
  serial: string | null;
  mode: 'block' | 'allow' | 'read_only' | 'audit';
  untilMs: number;
  reason: string;
  createdBy: string;
  createdMs: number;
  revokedMs: number | null;
}

/** One exception decision a PC's agent journaled (applied / revoked / expired), with the stored event bytes. */
export interface ExceptionDecisionRow {
  eventId: number;
  timeMs: number;
  action: string;
  /** "device · device.exceptions.<id>" as summarised in the log. */
  summary: string;
  bytes: Buffer;
}

/** A removable device seen on one PC, newest sighting first. */
export interface DeviceSeenOnPcRow {
  vendorId: string;
  productId: string;
  serial: string;
  vendor: string;
  product: string;
  lastSeenMs: number;
  lastUser: string;
}

export interface DeviceControlRepository {
  /** One stored exception by id, revoked or not. */
  findException(id: string): Promise<DeviceExceptionRow | undefined>;
  /** Marks an active exception revoked and records the revocation for the push watcher; undefined when not active. */
  revokeException(id: string, actor: string, nowMs: number): Promise<DeviceExceptionRow | undefined>;
  /** PCs with revocations after `cursor` (a rowid), and the new cursor. */
  revocationsAfter(cursor: number): Promise<{ cursor: number; pcs: string[] }>;
  /** Exception decisions the PC's agent journaled since `sinceMs`, oldest first (offline unlock codes show up here). */
  exceptionDecisions(pc: string, sinceMs: number): Promise<ExceptionDecisionRow[]>;
  /** Storage devices with a serial seen on the PC, one row per device, newest first. */
  devicesSeenOn(pc: string, limit: number): Promise<DeviceSeenOnPcRow[]>;
  /** Every PC name the collector knows (agents, current or retired), for "did you mean". */
  pcNames(): Promise<string[]>;
}
