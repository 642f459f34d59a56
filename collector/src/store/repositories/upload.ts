export interface UploadRow {
  id: number;
  eventId: number;
  agentId: string;
  pc: string;
  seq: number;
  timeMs: number;
  user: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  destinationHost: string;
  destinationUrl: string;
  pageUrl: string;
  category: string;
  method: string;
  browser: string;
  browserProfile: string;
  localPath: string;
}

export interface UploadSearch {
  /** Words that must all appear in the file name or destination host. */
  text?: string;
  pc?: string;
  user?: string;
  category?: string;
  /** Destination host or a parent domain of it ("dropbox.com" finds "www.dropbox.com"). */
  host?: string;
  sha256?: string;
  fromMs?: number;
  toMs?: number;
  /** Page backwards: only rows with id below this. */
  beforeId?: number;
  limit?: number;
}

export interface ExtensionHealthRow {
  agentId: string;
  pc: string;
  browser: string;
  profile: string;
  installed: boolean;
  alive: boolean;
  extensionVersion: string;
  lastSeenMs: number;
  changedMs: number;
}
/** Web uploads (browser extension) and the extension's health per PC. */
export interface UploadRepository {
  /** One page of uploads matching a search, newest first. */
  search(search: UploadSearch): Promise<UploadRow[]>;
  /** The extension's current state per PC and browser profile; `problemsOnly` keeps removed or silent ones. */
  extensionHealth(options?: { pc?: string; problemsOnly?: boolean }): Promise<ExtensionHealthRow[]>;
}
