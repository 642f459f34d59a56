import type { RiskPolicy } from '@mamori/policies';
import {
  riskVectorNames, type RiskContribution, type RiskDayScore, type RiskDeparting, type RiskObservation, type RiskSuppression, type RiskVectorName,
} from '../store/repositories/risk.ts';
import { PeerHistograms } from './peer-histograms.ts';
import { scorePersonDay, type PersonDay, type PersonHistory, type ScoredContribution } from './person-day.ts';

/** Users without a name (system events) are scored per PC under this prefix and never listed as persons. */
const pcOnlyPrefix = '\u0000';

function personKey(observation: RiskObservation): string {
  return observation.person || `${pcOnlyPrefix}${observation.pc}`;
}

function byTimeThenId(a: RiskObservation, b: RiskObservation): number {
  return a.timeMs - b.timeMs || a.eventId - b.eventId;
}

/** Sorted insert of a day into an ascending list without duplicates. */
function insertSorted(list: number[], value: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== value) list.splice(lo, 0, value);
}

interface PcDay {
  /** Per person key: that person's points of the day attributed to this PC. */
  shares: Map<string, RiskContribution[]>;
}

interface PcState {
  days: Map<number, PcDay>;
  sortedDays: number[];
  scores: Map<number, { raw: number; score: number }>;
}

const maxListedEvents = 20;

/**
 * Risk scores per person and per PC per day, from observations. The same code serves both paths: a full recompute
 * adds every observation and flushes once; the projector's path adds each pass's observations and flushes after
 * each. A flush recomputes exactly what the new observations can change — the person's days from the earliest one
 * touched (baselines, first times and decay look back), and other people of the department whose peer window
 * covers a changed day — so both paths end with the same numbers.
 */
export class RiskScorer {
  readonly #policy: RiskPolicy;
  readonly #departmentOf: (pc: string) => string;
  readonly #persons = new Map<string, PersonHistory>();
  readonly #pcs = new Map<string, PcState>();
  readonly #peers: PeerHistograms;
  readonly #departing = new Map<string, RiskDeparting>();
  readonly #suppressions = new Map<string, RiskSuppression[]>();
  /** Person key → earliest day to recompute. */
  readonly #dirty = new Map<string, number>();
  readonly #dirtyPcs = new Map<string, number>();
  readonly #decayPerDay: number;

  constructor(policy: RiskPolicy, departmentOf: (pc: string) => string, departing: RiskDeparting[] = [], suppressions: RiskSuppression[] = []) {
    this.#policy = policy;
    this.#departmentOf = departmentOf;
    this.#peers = new PeerHistograms(policy.peers.window_days);
    this.#decayPerDay = 0.5 ** (1 / policy.half_life_days);
    for (const entry of departing) this.#departing.set(entry.user, entry);
    for (const entry of suppressions) this.#suppressions.set(entry.person, [...(this.#suppressions.get(entry.person) ?? []), entry]);
  }

  /** Replaces the suppressions ("expected activity"): the people concerned are rescored from their first day. */
  setSuppressions(entries: RiskSuppression[]): void {
    const next = new Map<string, RiskSuppression[]>();
    for (const entry of entries) next.set(entry.person, [...(next.get(entry.person) ?? []), entry]);
    for (const person of new Set([...this.#suppressions.keys(), ...next.keys()])) {
      if (JSON.stringify(this.#suppressions.get(person)) === JSON.stringify(next.get(person))) continue;
      const history = this.#persons.get(person);
      if (history) this.#markDirty(person, history.firstDay);
    }
    this.#suppressions.clear();
    for (const [person, list] of next) this.#suppressions.set(person, list);
  }

  #suppressedFor(person: string, day: number): (indicator: string) => boolean {
    const list = this.#suppressions.get(person);
    if (!list) return () => false;
    const active = list.filter((s) => day <= s.untilDay);
    return (indicator) => active.some((s) => indicator === s.indicator || indicator.startsWith(`${s.indicator}.`));
  }

  get decayPerDay(): number {
    return this.#decayPerDay;
  }

  /**
   * Takes observations in (any order); `flush()` then scores what they changed. `full`: every person is rescored
   * from their first day anyway, so changes to peers need not mark anyone (a full recompute skips that work).
   */
  add(observations: RiskObservation[], options: { full?: boolean } = {}): void {
    const touched = new Map<PersonDay, PersonHistory>();
    for (const observation of observations) {
      const key = personKey(observation);
      let person = this.#persons.get(key);
      if (!person) {
        person = { key, days: new Map(), sortedDays: [], seen: new Map(), firstDay: observation.day, scores: new Map() };
        this.#persons.set(key, person);
      }
      let day = person.days.get(observation.day);
      if (!day) {
        day = { day: observation.day, observations: [], department: '', volumes: new Map(), offHours: false, pcs: [] };
        person.days.set(observation.day, day);
        insertSorted(person.sortedDays, observation.day);
      }
      person.firstDay = Math.min(person.firstDay, observation.day);
      day.observations.push(observation);
      touched.set(day, person);
      const seenKeys = observation.vector === 'usb' ? ['vector:usb', ...observation.destinations] : observation.destinations;
      for (const seenKey of seenKeys) {
        let days = person.seen.get(seenKey);
        if (!days) person.seen.set(seenKey, (days = []));
        insertSorted(days, observation.day);
      }
      this.#markDirty(key, observation.day);
    }
    for (const [day, person] of touched) this.#refreshDay(person, day, options.full === true);
  }

  /** Replaces the departing list (HR import): people added, removed or changed are rescored from their first day. */
  setDeparting(entries: RiskDeparting[]): void {
    const next = new Map(entries.map((entry) => [entry.user, entry]));
    for (const user of new Set([...this.#departing.keys(), ...next.keys()])) {
      const before = this.#departing.get(user);
      const after = next.get(user);
      if (before?.noticeDay === after?.noticeDay && before?.lastDay === after?.lastDay) continue;
      const person = this.#persons.get(user);
      if (person) this.#markDirty(user, person.firstDay);
    }
    this.#departing.clear();
    for (const [user, entry] of next) this.#departing.set(user, entry);
  }

  /** Scores everything marked since the last flush; returns the person and PC day rows that were recomputed. */
  flush(): { persons: RiskDayScore[]; pcs: RiskDayScore[] } {
    const persons: RiskDayScore[] = [];
    const dirty = [...this.#dirty].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    this.#dirty.clear();
    for (const [key, fromDay] of dirty) {
      const person = this.#persons.get(key)!;
      let previous = this.#previousScore(person.scores, person.sortedDays, fromDay);
      for (const day of person.sortedDays) {
        if (day < fromDay) continue;
        const personDay = person.days.get(day)!;
        const scored = scorePersonDay(this.#policy, person, personDay, this.#peers, this.#departing.get(key), this.#suppressedFor(key, day));
        const score = scored.raw + (previous ? previous.score * this.#decayPerDay ** (day - previous.day) : 0);
        person.scores.set(day, { raw: scored.raw, score });
        previous = { day, score };
        const shown = scored.contributions.map(listed);
        this.#attributeToPcs(key, personDay, scored.contributions, shown);
        if (!key.startsWith(pcOnlyPrefix)) {
          persons.push({ subject: key, day, department: personDay.department, raw: scored.raw, score, contributions: shown });
        }
      }
    }
    return { persons, pcs: this.#flushPcs() };
  }

  #previousScore(scores: Map<number, { score: number }>, sortedDays: number[], beforeDay: number): { day: number; score: number } | undefined {
    let found: { day: number; score: number } | undefined;
    for (const day of sortedDays) {
      if (day >= beforeDay) break;
      found = { day, score: scores.get(day)!.score };
    }
    return found;
  }

  #markDirty(key: string, day: number): void {
    const current = this.#dirty.get(key);
    if (current === undefined || day < current) this.#dirty.set(key, day);
  }

  /** Re-sorts a touched day, settles its department and volumes, and updates the department's peer counts. */
  #refreshDay(person: PersonHistory, day: PersonDay, full: boolean): void {
    day.observations.sort(byTimeThenId);
    const before = { department: day.department, volumes: new Map(day.volumes) };
    day.department = this.#departmentOf(day.observations[0]!.pc);
    day.volumes = new Map<RiskVectorName, number>();
    day.offHours = false;
    for (const observation of day.observations) {
      if (!observation.vector) continue;
      day.volumes.set(observation.vector, (day.volumes.get(observation.vector) ?? 0) + observation.volume);
      if (observation.offHours) day.offHours = true;
    }
    if (person.key.startsWith(pcOnlyPrefix)) return;
    for (const vector of riskVectorNames) {
      const old = before.volumes.get(vector);
      const now = day.volumes.get(vector);
      if (old === now && before.department === day.department) continue;
      if (old !== undefined) this.#peers.remove(before.department, vector, day.day, old, person.key);
      if (now !== undefined) this.#peers.add(day.department, vector, day.day, now, person.key);
      // Whoever in the department has a day inside the window after this one compares against changed peers.
      if (!full) for (const department of new Set([before.department, day.department])) {
        for (const [other, otherDay] of this.#peers.peopleAfter(department, day.day)) this.#markDirty(other, otherDay);
      }
    }
  }

  /**
   * Splits a person's day among the PCs its events came from (points in proportion to events) and marks those PCs.
   * Shares are kept in their listed form (first events only), so a PC day holds no observation arrays.
   */
  #attributeToPcs(key: string, personDay: PersonDay, contributions: ScoredContribution[], shown: RiskContribution[]): void {
    const day = personDay.day;
    const perPc = new Map<string, RiskContribution[]>();
    for (const [i, contribution] of contributions.entries()) {
      const pc = onlyPc(contribution.observations);
      if (pc !== undefined) {
        // The usual case: one PC had all of it (checked without a Set: this runs for every contribution of every day).
        const list = perPc.get(pc);
        if (list) list.push(shown[i]!);
        else perPc.set(pc, [shown[i]!]);
        continue;
      }
      for (const pc of new Set(contribution.observations.map((o) => o.pc))) {
        const events = contribution.observations.filter((o) => o.pc === pc);
        const share = listed({ ...contribution, points: (contribution.points * events.length) / contribution.observations.length, observations: events });
        const list = perPc.get(pc);
        if (list) list.push(share);
        else perPc.set(pc, [share]);
      }
    }
    // The person's share leaves the PCs it no longer touches, too.
    for (const pc of new Set([...perPc.keys(), ...(personDay.pcs ?? [])])) {
      let state = this.#pcs.get(pc);
      if (!state) this.#pcs.set(pc, (state = { days: new Map(), sortedDays: [], scores: new Map() }));
      let pcDay = state.days.get(day);
      if (!pcDay) {
        state.days.set(day, (pcDay = { shares: new Map() }));
        insertSorted(state.sortedDays, day);
      }
      const shares = perPc.get(pc);
      if (shares) pcDay.shares.set(key, shares);
      else pcDay.shares.delete(key);
      const current = this.#dirtyPcs.get(pc);
      if (current === undefined || day < current) this.#dirtyPcs.set(pc, day);
    }
    personDay.pcs = [...perPc.keys()];
  }

  #flushPcs(): RiskDayScore[] {
    const rows: RiskDayScore[] = [];
    const dirty = [...this.#dirtyPcs].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    this.#dirtyPcs.clear();
    for (const [pc, fromDay] of dirty) {
      const state = this.#pcs.get(pc)!;
      let previous = this.#previousScore(state.scores, state.sortedDays, fromDay);
      for (const day of state.sortedDays) {
        if (day < fromDay) continue;
        const pcDay = state.days.get(day)!;
        const contributions = pcDay.shares.size === 1 ? [...pcDay.shares.values()][0]! : mergeShares(pcDay.shares);
        const raw = contributions.reduce((sum, c) => sum + c.points, 0);
        const score = raw + (previous ? previous.score * this.#decayPerDay ** (day - previous.day) : 0);
        state.scores.set(day, { raw, score });
        previous = { day, score };
        rows.push({ subject: pc, day, department: '', raw, score, contributions });
      }
    }
    return rows;
  }
}

/** The one PC all these observations came from; undefined when several. */
function onlyPc(observations: RiskObservation[]): string | undefined {
  const pc = observations[0]!.pc;
  for (const o of observations) if (o.pc !== pc) return undefined;
  return pc;
}

/** A contribution as stored and shown: the first events (by time) and how many there are in all. */
function listed(contribution: ScoredContribution): RiskContribution {
  return {
    indicator: contribution.indicator, points: contribution.points, detail: contribution.detail, eventCount: contribution.observations.length,
    events: contribution.observations.slice(0, maxListedEvents).map((o) => ({ agentId: o.agentId, seq: o.seq, eventId: o.eventId, pc: o.pc, timeMs: o.timeMs })),
  };
}

/** Several people's shares of one PC day, by indicator (people in name order, so the result does not depend on arrival). */
function mergeShares(shares: Map<string, RiskContribution[]>): RiskContribution[] {
  const merged = new Map<string, RiskContribution>();
  for (const person of [...shares.keys()].sort()) {
    for (const share of shares.get(person)!) {
      const into = merged.get(share.indicator);
      if (!into) {
        merged.set(share.indicator, share);
        continue;
      }
      const events = [...into.events, ...share.events].sort((a, b) => a.timeMs - b.timeMs || a.eventId - b.eventId).slice(0, maxListedEvents);
      merged.set(share.indicator, { ...into, points: into.points + share.points, events, eventCount: into.eventCount + share.eventCount });
    }
  }
  return [...merged.values()].sort((a, b) => b.points - a.points || (a.indicator < b.indicator ? -1 : 1));
}
