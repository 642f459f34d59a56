/** The destination of an upload access request. */
export interface UploadAccess {
  host: string;
  domain: string;
  category: string;
  fileNames: string[];
}

export interface AccessRequestRow {
  id: number;
  agentId: string;
  requestId: string;
  pc: string;
  user: string;
  timeMs: number;
  subject: string;
  reason: string;
  blockedRule: string;
  device: { vendorId: string; productId: string; serial: string; vendor: string; product: string };
  /** Subject "upload": the destination asked for, as the agent judged it; `domain` is what an approval names. */
  upload: UploadAccess | null;
  status: 'pending' | 'approved' | 'declined';
  decidedBy: string | null;
  decidedMs: number | null;
  note: string;
  untilMs: number | null;
  exceptionId: string | null;
  sentMs: number | null;
  receivedMs: number | null;
}
/** A decision on an access request, recorded once. */
export interface AccessDecision {
  status: 'approved' | 'declined';
  by: string;
  atMs: number;
  note: string;
  untilMs: number | null;
  exceptionId: string | null;
}

/** Users' requests for access (a USB stick, uploads to a site) and the answers pushed back to their PC. */
export interface AccessRequestsRepository {
  /** Requests newest first, optionally one status or PC. */
  list(filter: { status?: string; pc?: string; limit: number }): Promise<AccessRequestRow[]>;
  /** One request by id. */
  get(id: number): Promise<AccessRequestRow | undefined>;
  /** Records the decision once: false when the request was already decided (two admins clicking at once). */
  decide(id: number, decision: AccessDecision): Promise<boolean>;
  /** Decided answers the PC has not confirmed yet; `neverSent` limits to those not sent down any stream. */
  undeliveredAnswers(options?: { agentId?: string; neverSent?: boolean }): Promise<AccessRequestRow[]>;
  /** Notes that the answer went down a stream at `atMs`. */
  markAnswerSent(id: number, atMs: number): Promise<void>;
}

/** The stored upload columns as a row's `upload` (null for other subjects); the file list is JSON text. */
export function uploadAccessOf(raw: { subject: string; uploadHost: string; uploadDomain: string; uploadCategory: string; uploadFiles: string }): UploadAccess | null {
  if (raw.subject !== 'upload') return null;
  let fileNames: string[] = [];
  try {
    const parsed = JSON.parse(raw.uploadFiles) as unknown;
    if (Array.isArray(parsed)) fileNames = parsed.filter((name): name is string => typeof name === 'string');
  } catch {
    // damaged text: the request still stands without its file names
  }
  return { host: raw.uploadHost, domain: raw.uploadDomain, category: raw.uploadCategory, fileNames };
}
