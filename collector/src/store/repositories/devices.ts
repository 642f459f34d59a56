export interface DeviceEventRow {
  id: number; eventId: number; agentId: string; pc: string; user: string; timeMs: number; action: string;
  vendorId: string; productId: string; serial: string; vendor: string; product: string; mountPoint: string;
  filesystem: string; sizeBytes: number; label: string; rule: string; message: string;
}

export interface DeviceEventSearch {
  pc?: string;
  serial?: string;
  /** ATTACHED, DETACHED, MOUNTED, UNMOUNTED, BLOCKED, ALLOWED, READ_ONLY. */
  action?: string;
  /** "0781" or "0781:5581". */
  model?: string;
  fromMs?: number;
  toMs?: number;
  beforeId?: number;
  limit?: number;
}

export interface FileCopyRow {
  id: number; eventId: number; agentId: string; pc: string; user: string; timeMs: number; destinationPath: string;
  destinationKind: string; destinationRoot: string; sizeBytes: number; sha256: string; sourcePath: string;
  vendorId: string; productId: string; serial: string; operation: string;
}

export interface FileCopySearch {
  /** Words that must all appear in the destination or source path. */
  text?: string;
  pc?: string;
  user?: string;
  serial?: string;
  sha256?: string;
  kind?: string;
  fromMs?: number;
  toMs?: number;
  beforeId?: number;
  limit?: number;
}

export interface SeenDeviceRow {
  vendorId: string; productId: string; serial: string; vendor: string; product: string;
  firstSeenMs: number; lastSeenMs: number; pcs: number; lastPc: string; lastAction: string; lastRule: string;
  blocked: number; copies: number;
}
/** USB device and file-copy queries. */
export interface DevicesRepository {
  /** Device events matching a search, newest first. */
  searchDeviceEvents(search: DeviceEventSearch): Promise<DeviceEventRow[]>;
  /** File copies to exits matching a search, newest first. */
  searchFileCopies(search: FileCopySearch): Promise<FileCopyRow[]>;
  /** Distinct devices seen in a time range. */
  seenDevices(fromMs: number, toMs: number, limit?: number): Promise<SeenDeviceRow[]>;
}
