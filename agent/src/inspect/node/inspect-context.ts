import type { InspectedItemShape } from '../common/result-shape.ts';
import type { ContentLimits } from '@mamori/policies';
import type { CompiledContentRules } from '../common/content-rules.ts';
import { ContentScanner } from '../common/content-scanner.ts';

export type InspectedItem = InspectedItemShape;

/** Thrown when the per-file time budget runs out; caught once, at the top. */
export class BudgetExceeded extends Error {}

/** State of one inspection, shared by every nested reader: one scanner, one clock, one unpacked-bytes budget. */
export class InspectContext {
  readonly scanner: ContentScanner;
  readonly limits: ContentLimits;
  readonly items: InspectedItem[] = [];
  /** Reasons parts could not be read, in the order met ("list.xlsx: encrypted"). */
  readonly gaps: string[] = [];
  readonly #deadline: number;
  readonly #now: () => number;
  unpackedBytes = 0;

  constructor(rules: CompiledContentRules, onText?: (text: string) => void, now: () => number = performance.now.bind(performance)) {
    this.scanner = new ContentScanner(rules, onText);
    this.limits = rules.limits;
    this.#now = now;
    this.#deadline = now() + rules.limits.time_budget_ms;
  }

  /** Called between chunks: ends the inspection once the time budget is spent. */
  checkTime(): void {
    if (this.#now() > this.#deadline) throw new BudgetExceeded(`time budget of ${this.limits.time_budget_ms} ms spent`);
  }

  /** Records a part that could not be read; `path` empty means the file itself. */
  gap(path: readonly string[], reason: string): void {
    this.gaps.push(path.length > 1 ? `${path.slice(1).join(' › ')}: ${reason}` : reason);
  }
}

/** What a format reader is handed: the bytes (whole) or a file to stream, and where it sits. */
export interface ContentNode {
  path: string[];
  /** Nesting: 0 for the file itself, +1 per archive or attached mail. */
  depth: number;
  bytes?: Uint8Array;
  file?: string;
  sizeBytes: number;
  declaredType: string;
}

/** The item listed last at exactly `path` (a node records itself when it starts; its container adds the hash after). */
export function itemAt(context: InspectContext, path: readonly string[]): InspectedItem | undefined {
  for (let i = context.items.length - 1; i >= 0; i -= 1) {
    const item = context.items[i]!;
    if (item.path.length === path.length && item.path.every((p, k) => p === path[k])) return item;
  }
  return undefined;
}
