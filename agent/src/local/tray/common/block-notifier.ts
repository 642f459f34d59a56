import type { EventDraft } from '../../../core/event-draft.ts';

/** What was blocked, as the employee is told about it. All text fields come from the PC or policy: untrusted. */
export interface BlockNotice {
  kind: 'device' | 'mail' | 'upload' | 'print';
  /** The rule's message from policy, or what the feature says happened. */
  message: string;
  /** The policy rule that decided (e.g. "device.default"). */
  rule: string;
  /** Short name of the thing blocked: the stick's product name, the mail subject, the file name. */
  subject: string;
  /** For device blocks: enough to ask for an exception for this very stick. */
  device?: { vendorId: string; productId: string; serial: string; vendor: string; product: string; busPath: string };
}

export interface BlockNotification extends BlockNotice {
  id: string;
  timeMs: number;
  /** Whether the tray offers "request access" (device blocks only). */
  requestable: boolean;
}

export interface BlockNotifierOptions {
  /** How many notifications to keep (oldest dropped). */
  keep?: number;
  now?: () => number;
}

/**
 * The in-agent place where blocks are announced to the employee. Features may call `notify()` directly; the
 * composition root also feeds every recorded event through `observe()`, which recognises blocks by their event
 * (device BLOCKED, mail verdict "blocked", a cancelled print job, a "block" policy decision), so a feature that
 * journals its block is announced without knowing the tray exists. Bounded; listeners never throw into callers.
 */
export class BlockNotifier {
  readonly #items: BlockNotification[] = [];
  readonly #listeners = new Set<(notification: BlockNotification) => void>();
  readonly #keep: number;
  readonly #now: () => number;
  #counter = 0;

  constructor(options: BlockNotifierOptions = {}) {
    this.#keep = options.keep ?? 50;
    this.#now = options.now ?? Date.now;
  }

  /** Announces one block; returns the notification as shown. */
  notify(notice: BlockNotice): BlockNotification {
    this.#counter += 1;
    const notification: BlockNotification = {
      ...notice,
      message: clip(notice.message, 500), rule: clip(notice.rule, 200), subject: clip(notice.subject, 200),
      id: `n${this.#now().toString(36)}-${this.#counter}`, timeMs: this.#now(),
      requestable: notice.kind === 'device' && notice.device !== undefined,
    };
    this.#items.push(notification);
    if (this.#items.length > this.#keep) this.#items.splice(0, this.#items.length - this.#keep);
    for (const listener of this.#listeners) {
      try {
        listener(notification);
      } catch {
        // a broken listener (a closed page, a bug) must not stop the feature that reported the block
      }
    }
    return notification;
  }

  /** Recognises a block in a just-recorded event draft and announces it. */
  observe = (draft: EventDraft): void => {
    const notice = blockFromDraft(draft);
    if (notice) this.notify(notice);
  };

  /** Newest last. */
  list(): BlockNotification[] {
    return [...this.#items];
  }

  find(id: string): BlockNotification | undefined {
    return this.#items.find((n) => n.id === id);
  }

  subscribe(listener: (notification: BlockNotification) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The block an event records, if any. */
export function blockFromDraft(draft: EventDraft): BlockNotice | undefined {
  if (draft.device && draft.device.action === 'BLOCKED') {
    const d = draft.device.device ?? {};
    return {
      kind: 'device', message: draft.device.message || 'This device is blocked on this PC.', rule: draft.device.rule ?? '',
      subject: [d.vendor, d.product].filter(Boolean).join(' ') || draft.device.label || 'USB storage device',
      device: {
        vendorId: d.vendorId ?? '', productId: d.productId ?? '', serial: d.serial ?? '', vendor: d.vendor ?? '',
        product: d.product ?? '', busPath: d.busPath ?? '',
      },
    };
  }
  if (draft.mail && draft.mail.verdict === 'blocked') {
    return { kind: 'mail', message: `This mail was not sent: ${draft.mail.upstreamResponse || 'blocked by policy'}`, rule: draft.mail.rule ?? '', subject: draft.mail.subject ?? '' };
  }
  if (draft.printJob && draft.printJob.action === 'cancelled') {
    return { kind: 'print', message: 'This print job was cancelled by policy.', rule: draft.printJob.rule ?? '', subject: draft.printJob.documentName ?? '' };
  }
  const decision = draft.policyDecision;
  if (decision && decision.decision === 'block' && (decision.subject === 'upload' || decision.subject === 'mail')) {
    return { kind: decision.subject, message: decision.detail || 'Blocked by policy.', rule: decision.rule ?? '', subject: '' };
  }
  return undefined;
}

// Notices are one-line texts built from untrusted PC data.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f]/g;

function clip(text: string, max: number): string {
  const clean = String(text ?? '').replace(controlCharacters, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
