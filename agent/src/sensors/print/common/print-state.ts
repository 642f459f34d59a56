import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PrintOutcome } from './print-job.ts';

/** A decision taken on a job before it finished, kept so its final record says what policy did. */
export interface PrintDecisionRecord {
  outcome: PrintOutcome;
  rule: string;
  reason: string;
}

interface StateFile {
  version: 1;
  /** Job key → when the job finished (ms); a key here is never recorded again. */
  recorded: Record<string, number>;
  decisions: Record<string, PrintDecisionRecord>;
  /** Day (YYYY-MM-DD) → user → pages recorded. */
  usage: Record<string, Record<string, number>>;
  /** Jobs finished at or before this (ms) count as recorded: keys this old were pruned, the spooler may still list them. */
  horizonMs: number;
}

/** User names are untrusted: prefixed so a name like "__proto__" is just a key. */
function userKey(user: string): string {
  return `u:${user}`;
}

const keepRecordedMs = 14 * 24 * 3600_000;

/**
 * What the print sensor must remember across agent restarts: which jobs are already recorded (so each job is
 * recorded once), decisions taken on unfinished jobs, and pages per user per day. A small JSON file, replaced
 * atomically (write + rename) after each change, so a crash leaves the old or the new state, never half of one.
 * The sensor records first and saves after: a crash in between records a job twice (the collector keeps one row
 * per job), never zero times.
 */
export class PrintStateStore {
  readonly #path: string;
  #state: StateFile;
  /** Why the file could not be read, when it could not (the store then starts empty). */
  readonly loadProblem: string | undefined;

  constructor(path: string) {
    this.#path = path;
    const loaded = PrintStateStore.#load(path);
    this.#state = loaded.state;
    this.loadProblem = loaded.problem;
  }

  static #load(path: string): { state: StateFile; problem?: string } {
    const empty: StateFile = { version: 1, recorded: {}, decisions: {}, usage: {}, horizonMs: 0 };
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: empty };
      return { state: empty, problem: `cannot read ${path}: ${(error as Error).message}` };
    }
    try {
      const parsed = JSON.parse(text) as Partial<StateFile>;
      if (parsed.version !== 1 || typeof parsed.recorded !== 'object' || parsed.recorded === null) throw new Error('unknown format');
      return { state: { version: 1, recorded: parsed.recorded, decisions: parsed.decisions ?? {}, usage: parsed.usage ?? {}, horizonMs: Number(parsed.horizonMs) || 0 } };
    } catch (error) {
      return { state: empty, problem: `ignored unreadable ${path}: ${(error as Error).message}` };
    }
  }

  /** True when the job was recorded already, or finished before the remembered horizon. */
  isRecorded(key: string, completedMs = 0): boolean {
    if (completedMs > 0 && completedMs <= this.#state.horizonMs) return true;
    return Object.hasOwn(this.#state.recorded, `j:${key}`);
  }

  decision(key: string): PrintDecisionRecord | undefined {
    return Object.hasOwn(this.#state.decisions, `j:${key}`) ? this.#state.decisions[`j:${key}`] : undefined;
  }

  pagesOn(day: string, user: string): number {
    const users = this.#state.usage[day];
    const key = userKey(user);
    return users && Object.hasOwn(users, key) ? users[key] ?? 0 : 0;
  }

  rememberDecision(key: string, decision: PrintDecisionRecord): void {
    this.#state.decisions[`j:${key}`] = decision;
    this.#save();
  }

  /** Marks a job recorded and counts its pages toward its user's day. Keys are kept two weeks after `finishedMs`. */
  markRecorded(key: string, finishedMs: number, nowMs: number, day: string, user: string, pages: number): void {
    this.#state.recorded[`j:${key}`] = finishedMs || nowMs;
    delete this.#state.decisions[`j:${key}`];
    const users = (this.#state.usage[day] ??= {});
    const userSlot = userKey(user);
    users[userSlot] = (Object.hasOwn(users, userSlot) ? users[userSlot] ?? 0 : 0) + pages;
    this.#prune(nowMs);
    this.#save();
  }

  #prune(nowMs: number): void {
    for (const [key, finishedMs] of Object.entries(this.#state.recorded)) {
      if (nowMs - finishedMs > keepRecordedMs) {
        this.#state.horizonMs = Math.max(this.#state.horizonMs, finishedMs);
        delete this.#state.recorded[key];
      }
    }
    const days = Object.keys(this.#state.usage).sort();
    for (const day of days.slice(0, Math.max(0, days.length - 3))) delete this.#state.usage[day];
  }

  #save(): void {
    mkdirSync(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.#state));
    renameSync(temporary, this.#path);
  }
}
