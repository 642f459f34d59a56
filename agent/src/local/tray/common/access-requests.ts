import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventDraft } from '../../../core/event-draft.ts';
import { AgentError } from '../../../errors.ts';
import type { BlockNotification } from './block-notifier.ts';

export type AccessOutcome = 'approved' | 'declined';

/** The site an upload access request is about, as the agent judged it with its own policy. */
export interface UploadAccessTarget {
  /** The site the file was entering (the frame's host, from the browser). */
  host: string;
  /** The policy's domain entry that matched the host (what an exception names), else the host. */
  domain: string;
  category: string;
  /** The files the employee was trying to upload (names only). */
  fileNames: string[];
}

/** One "request access" as the tray shows it. */
export interface AccessRequest {
  id: string;
  createdMs: number;
  reason: string;
  /** What the tray names: the stick's product name, or the site for an upload request. */
  subject: string;
  /** Device requests (from the tray). */
  device?: NonNullable<BlockNotification['device']>;
  /** Upload requests (from the browser's block message). */
  upload?: UploadAccessTarget;
  blockedRule: string;
  status: 'pending' | AccessOutcome;
  /** For an approval: when the exception ends. */
  untilMs: number | null;
  /** The admin's note, if any (shown to the employee). */
  note: string;
  decidedMs: number | null;
}

/** What the collector sends down (Command "access_request_outcome", args as JSON). */
export interface AccessOutcomeArgs {
  requestId: string;
  outcome: AccessOutcome;
  untilMs?: number;
  note?: string;
}

export const accessOutcomeCommand = 'access_request_outcome';

export interface AccessRequestsOptions {
  /** JSON file that keeps requests across agent restarts; in memory when absent (tests). */
  path?: string;
  /** Journals an event (the recorder's record). The request travels to the collector as that event. */
  emit: (draft: EventDraft) => number;
  user: () => string;
  now?: () => number;
  keep?: number;
}

const MAX_REASON = 500;
// Control characters other than tab and newline: an employee's reason is shown in the console as plain text.
// eslint-disable-next-line no-control-regex
const controlExceptNewline = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * The employee's access requests on this PC. A request is journaled as an AccessRequestEvent, so it reaches the
 * collector exactly like evidence does (signed, loss-free across outages). The admin's answer comes back as a
 * command; applying it journals OUTCOME_RECEIVED once, which tells the collector the answer arrived.
 */
export class AccessRequests {
  readonly #o: AccessRequestsOptions;
  readonly #now: () => number;
  #items: AccessRequest[];
  readonly #listeners = new Set<() => void>();

  constructor(options: AccessRequestsOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#items = options.path ? readItems(options.path) : [];
  }

  /** Newest last. */
  list(): AccessRequest[] {
    return this.#items.map((item) => ({ ...item }));
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Asks for an exception to a device block. Throws AgentError on a bad reason or a non-device notification. */
  request(notification: BlockNotification, reasonInput: unknown): AccessRequest {
    if (!notification.requestable || !notification.device) {
      throw new AgentError('AGENT_LOCAL_REQUEST_INVALID', 'access can only be requested for a blocked device');
    }
    const reason = cleanReason(reasonInput);
    const open = this.#items.find((r) => r.status === 'pending' && r.device && sameDevice(r.device, notification.device!));
    if (open) throw new AgentError('AGENT_LOCAL_REQUEST_INVALID', 'a request for this device is already waiting for an answer');
    const item: AccessRequest = {
      id: `req_${randomBytes(8).toString('hex')}`, createdMs: this.#now(), reason, subject: notification.subject,
      device: { ...notification.device }, blockedRule: notification.rule, status: 'pending', untilMs: null, note: '', decidedMs: null,
    };
    // Journal first: once this returns the request cannot be lost, whatever happens to the agent next.
    this.#o.emit({
      user: this.#o.user(),
      accessRequest: {
        state: 'REQUESTED', requestId: item.id, subject: 'device', reason, blockedRule: item.blockedRule,
        device: { ...notification.device, deviceClass: '', interfaceClasses: [] },
      },
    });
    this.#items.push(item);
    this.#prune();
    this.#save();
    return { ...item };
  }

  /**
   * Asks for an exception to an upload block (the browser's block message), for `user` (the browser's OS user).
   * A request for the same domain still waiting for an answer is returned as it is (`existing`), not made twice:
   * the employee may click again. Throws AgentError on a bad reason.
   */
  requestUpload(target: UploadAccessTarget, reasonInput: unknown, user: string, blockedRule: string): { request: AccessRequest; existing: boolean } {
    const reason = cleanReason(reasonInput);
    const open = this.#items.find((r) => r.status === 'pending' && r.upload?.domain === target.domain);
    if (open) return { request: { ...open }, existing: true };
    const upload: UploadAccessTarget = { ...target, fileNames: target.fileNames.slice(0, 20).map((name) => name.replace(controlExceptNewline, ' ').slice(0, 256)) };
    const item: AccessRequest = {
      id: `req_${randomBytes(8).toString('hex')}`, createdMs: this.#now(), reason, subject: target.host, upload,
      blockedRule, status: 'pending', untilMs: null, note: '', decidedMs: null,
    };
    // Journal first, as for devices: once this returns the request reaches the collector whatever happens next.
    this.#o.emit({ user, accessRequest: { state: 'REQUESTED', requestId: item.id, subject: 'upload', reason, blockedRule, upload } });
    this.#items.push(item);
    this.#prune();
    this.#save();
    return { request: { ...item }, existing: false };
  }

  /**
   * Applies the collector's answer. Idempotent: the collector re-sends answers until it sees OUTCOME_RECEIVED,
   * and a repeat changes nothing. Unknown ids are ignored (a request from before a re-install).
   */
  applyOutcome(args: AccessOutcomeArgs): boolean {
    const item = this.#items.find((r) => r.id === args.requestId);
    if (!item) return false;
    if (item.status !== 'pending') return true;
    item.status = args.outcome;
    item.untilMs = args.outcome === 'approved' && Number.isFinite(args.untilMs) ? Number(args.untilMs) : null;
    item.note = typeof args.note === 'string' ? args.note.slice(0, MAX_REASON) : '';
    item.decidedMs = this.#now();
    this.#o.emit({
      user: this.#o.user(),
      accessRequest: { state: 'OUTCOME_RECEIVED', requestId: item.id, subject: item.upload ? 'upload' : 'device', outcome: item.status, untilMs: item.untilMs ?? 0 },
    });
    this.#save();
    return true;
  }

  #prune(): void {
    const keep = this.#o.keep ?? 100;
    if (this.#items.length > keep) this.#items = this.#items.slice(-keep);
  }

  #save(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // observers must not break a request
      }
    }
    const path = this.#o.path;
    if (!path) return;
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.tmp-${process.pid}`;
    writeFileSync(temporary, JSON.stringify(this.#items), { mode: 0o600 });
    renameSync(temporary, path);
  }
}

/** Parses a command's args; undefined when they are not an outcome (bad input from the wire is ignored). */
export function parseOutcomeArgs(argsJson: string): AccessOutcomeArgs | undefined {
  try {
    const value = JSON.parse(argsJson) as Partial<AccessOutcomeArgs>;
    if (typeof value.requestId !== 'string' || (value.outcome !== 'approved' && value.outcome !== 'declined')) return undefined;
    return {
      requestId: value.requestId, outcome: value.outcome,
      ...(typeof value.untilMs === 'number' ? { untilMs: value.untilMs } : {}),
      ...(typeof value.note === 'string' ? { note: value.note } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The employee's words, made safe to show as plain text; AgentError when empty or too long. */
function cleanReason(input: unknown): string {
  const reason = typeof input === 'string' ? input.replace(controlExceptNewline, ' ').trim() : '';
  if (reason.length === 0) throw new AgentError('AGENT_LOCAL_REQUEST_INVALID', 'say why you need access');
  if (reason.length > MAX_REASON) throw new AgentError('AGENT_LOCAL_REQUEST_INVALID', `the reason is over ${MAX_REASON} characters`);
  return reason;
}

function sameDevice(a: NonNullable<AccessRequest['device']>, b: NonNullable<AccessRequest['device']>): boolean {
  return a.vendorId === b.vendorId && a.productId === b.productId && a.serial === b.serial;
}

function readItems(path: string): AccessRequest[] {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return Array.isArray(value) ? value.filter((r): r is AccessRequest => typeof (r as AccessRequest)?.id === 'string') : [];
  } catch {
    // missing or damaged: start empty (requests already journaled still reach the collector)
    return [];
  }
}
