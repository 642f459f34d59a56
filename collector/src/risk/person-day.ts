import type { RiskPolicy } from '@mamori/policies';
import { riskVectorNames, type RiskDeparting, type RiskObservation, type RiskVectorName } from '../store/repositories/risk.ts';
import { dayDate } from './days.ts';
import type { PeerHistograms } from './peer-histograms.ts';
import { medianAndMad } from './robust-stats.ts';

/** One person's observations of one day, with what the scorer derives from them. */
export interface PersonDay {
  day: number;
  /** In time order (then event id), so sums and listings come out the same whatever order they arrived in. */
  observations: RiskObservation[];
  /** The directory department of the PC of the day's first event. */
  department: string;
  volumes: Map<RiskVectorName, number>;
  /** Some exfiltration of the day happened off-hours. */
  offHours: boolean;
  /** The PCs the day's points were attributed to when last scored (the scorer takes them off PCs no longer touched). */
  pcs?: string[];
}

/** Everything the scorer keeps about one person. */
export interface PersonHistory {
  key: string;
  days: Map<number, PersonDay>;
  sortedDays: number[];
  /** "vector:usb", "device:SERIAL", "domain:example.com" → days used, ascending. */
  seen: Map<string, number[]>;
  firstDay: number;
  scores: Map<number, { raw: number; score: number }>;
}

/** A contribution while scoring: all its observations (the stored form lists the first ones). */
export interface ScoredContribution {
  indicator: string;
  points: number;
  detail: string;
  observations: RiskObservation[];
}

const robustSigma = 1.4826;

/** First index of a sorted list whose value is >= `value`. */
function lowerBound(list: number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function usedWithin(days: number[] | undefined, fromDay: number, toDay: number): boolean {
  if (!days) return false;
  const at = lowerBound(days, fromDay);
  return at < days.length && days[at]! <= toDay;
}

export function formatVolume(vector: RiskVectorName, volume: number): string {
  if (vector === 'print') return `${volume} pages`;
  if (volume >= 1e9) return `${(volume / 1e9).toFixed(1)} GB`;
  if (volume >= 1e6) return `${(volume / 1e6).toFixed(1)} MB`;
  return `${Math.round(volume / 1e3)} kB`;
}

const vectorLabel: Record<RiskVectorName, string> = {
  usb: 'copied to USB', cloud_upload: 'uploaded to personal storage', external_mail: 'mailed outside as attachments', print: 'printed',
};

/** The departing-employee multiplier of a day (1 outside the notice period). */
function departingFactor(policy: RiskPolicy, entry: RiskDeparting | undefined, day: number): number {
  const rule = policy.departing;
  if (!rule.enabled || !entry || day < entry.noticeDay || day > entry.lastDay + rule.grace_days) return 1;
  const rampStart = entry.lastDay - rule.final_days;
  if (day <= rampStart) return rule.after_notice_factor;
  const ramp = Math.min(1, (day - rampStart) / rule.final_days);
  return rule.after_notice_factor + (rule.last_day_factor - rule.after_notice_factor) * ramp;
}

/**
 * The points of one person's day and what they are made of. A pure function of the person's observations up to
 * that day (look-back windows included), the department's peer counts before it and the departing list — never of
 * the order events arrived in.
 */
export function scorePersonDay(
  policy: RiskPolicy, person: PersonHistory, day: PersonDay, peers: PeerHistograms, departing: RiskDeparting | undefined,
  suppressed: (indicator: string) => boolean = () => false,
): { raw: number; contributions: ScoredContribution[] } {
  const contributions: ScoredContribution[] = [];
  const exfiltration: ScoredContribution[] = [];
  const d = day.day;

  // Habit: the share of the person's active days in the baseline window with off-hours exfiltration.
  const windowStart = lowerBound(person.sortedDays, d - policy.baseline.window_days);
  let activeDays = 0;
  let offHoursDays = 0;
  for (let i = windowStart; i < person.sortedDays.length && person.sortedDays[i]! < d; i += 1) {
    const past = person.days.get(person.sortedDays[i]!)!;
    if (past.volumes.size === 0) continue;
    activeDays += 1;
    if (past.offHours) offHoursDays += 1;
  }
  const habit = activeDays >= policy.baseline.min_active_days ? offHoursDays / activeDays : 0;
  const habitDamping = Math.max(0, 1 - habit / policy.timing.habitual_share);
  const offHoursObservations: RiskObservation[] = [];
  let offHoursPoints = 0;

  for (const vector of riskVectorNames) {
    const rule = policy.vectors[vector];
    const volume = day.volumes.get(vector);
    if (!rule.enabled || volume === undefined) continue;
    const events = day.observations.filter((o) => o.vector === vector);
    const counted = Math.min(events.length, rule.max_events_per_day);
    // reduce, not Math.max(...spread): one person-day can hold more observations than the call stack has room for.
    const destination = events.reduce((max, o) => Math.max(max, rule.destination_factors[o.category] ?? 1), 1);
    const content = events.reduce((max, o) => Math.max(max, policy.content_factors[o.contentSeverity as keyof RiskPolicy['content_factors']] ?? 1), 1);
    const points = (rule.per_event * counted + rule.per_volume_doubling * Math.log2(1 + volume / rule.volume_unit)) * destination * content;
    const categories = [...new Set(events.map((o) => o.category).filter(Boolean))].join(', ');
    exfiltration.push({
      indicator: `vector.${vector}`, points, observations: events,
      detail: `${events.length} ${events.length === 1 ? 'event' : 'events'}, ${formatVolume(vector, volume)} ${vectorLabel[vector]}`
        + `${categories && destination > 1 ? ` (${categories} ×${destination})` : ''}${content > 1 ? ` (content findings ×${content})` : ''}`,
    });

    if (policy.timing.enabled) {
      const off = events.filter((o) => o.offHours);
      if (off.length > 0) {
        const share = volume > 0 ? off.reduce((sum, o) => sum + o.volume, 0) / volume : off.length / events.length;
        const factor = policy.timing.off_hours_factor * (off.some((o) => o.nonWorkingDay) ? policy.timing.non_working_day_factor : 1);
        offHoursPoints += points * (factor - 1) * habitDamping * share;
        for (const o of off) offHoursObservations.push(o);
      }
    }

    if (policy.baseline.enabled) {
      const history: number[] = [];
      for (let i = windowStart; i < person.sortedDays.length && person.sortedDays[i]! < d; i += 1) {
        const past = person.days.get(person.sortedDays[i]!)!.volumes.get(vector);
        if (past !== undefined && past > 0) history.push(past);
      }
      if (history.length >= policy.baseline.min_active_days) {
        const { median, mad } = medianAndMad(history);
        const ratio = median > 0 ? volume / median : Infinity;
        const z = mad > 0 ? (volume - median) / (robustSigma * mad) : volume > median ? Infinity : 0;
        const substantial = volume >= rule.volume_unit * policy.baseline.min_volume_units;
        if (substantial && ratio >= policy.baseline.min_ratio && z >= policy.baseline.z_threshold) {
          const extra = Number.isFinite(ratio) ? Math.log2(ratio) : 10;
          exfiltration.push({
            indicator: `baseline.${vector}`, observations: events,
            points: Math.min(policy.baseline.max_points, policy.baseline.points + policy.baseline.per_doubling * extra),
            detail: `${formatVolume(vector, volume)} ${vectorLabel[vector]}: ${Number.isFinite(ratio) ? `${ratio.toFixed(1)}×` : 'far above'} the usual ${formatVolume(vector, median)} a day`,
          });
        }
      }
    }

    if (policy.peers.enabled && day.department) {
      const stats = peers.stats(day.department, vector, d);
      if (stats.n >= policy.peers.min_peer_days) {
        const level = Math.log2(volume + 1);
        const ratio = 2 ** (level - stats.median);
        const z = stats.mad > 0 ? (level - stats.median) / (robustSigma * stats.mad) : level > stats.median ? Infinity : 0;
        if (volume >= rule.volume_unit * policy.baseline.min_volume_units && ratio >= policy.peers.min_ratio && z >= policy.peers.z_threshold) {
          exfiltration.push({
            indicator: `peers.${vector}`, observations: events,
            points: Math.min(policy.peers.max_points, (policy.peers.points * Math.log2(ratio)) / Math.log2(policy.peers.min_ratio)),
            detail: `${formatVolume(vector, volume)} ${vectorLabel[vector]}: ${ratio.toFixed(0)}× what people of ${day.department} usually do`,
          });
        }
      }
    }
  }

  if (offHoursPoints > 0) {
    const nonWorking = offHoursObservations.some((o) => o.nonWorkingDay);
    offHoursObservations.sort((a, b) => a.timeMs - b.timeMs || a.eventId - b.eventId);
    exfiltration.push({
      indicator: nonWorking ? 'timing.non_working_day' : 'timing.off_hours', points: offHoursPoints, observations: offHoursObservations,
      detail: `${offHoursObservations.length} of the day's transfers ${nonWorking ? 'on a non-working day' : 'outside working hours'}`
        + `${offHoursObservations.some((o) => o.byAttendance) ? ' (outside their own attendance record)' : ''}`
        + `${habitDamping < 1 ? ` (usual for this person on ${Math.round(habit * 100)}% of days: weighed ×${habitDamping.toFixed(2)})` : ''}`,
    });
  }

  const first = policy.first_times;
  if (first.enabled && d - person.firstDay >= first.min_history_days) {
    const from = d - first.lookback_days;
    const usb = day.observations.filter((o) => o.vector === 'usb');
    const firstUsb = usb.length > 0 && !usedWithin(person.seen.get('vector:usb'), from, d - 1);
    if (firstUsb) {
      exfiltration.push({ indicator: 'first_times.first_usb', points: first.first_usb, observations: usb, detail: `first USB copy in ${first.lookback_days} days` });
    }
    const fresh = new Map<string, RiskObservation[]>();
    for (const observation of day.observations) {
      for (const key of observation.destinations) {
        if (firstUsb && key.startsWith('device:')) continue;
        if (usedWithin(person.seen.get(key), from, d - 1)) continue;
        const list = fresh.get(key);
        if (list) list.push(observation);
        else fresh.set(key, [observation]);
      }
    }
    const devices = [...fresh].filter(([key]) => key.startsWith('device:')).slice(0, 3);
    const domains = [...fresh].filter(([key]) => key.startsWith('domain:')).slice(0, 3);
    if (devices.length > 0) {
      exfiltration.push({
        indicator: 'first_times.new_device', points: first.new_device * devices.length, observations: devices.flatMap(([, list]) => list),
        detail: `new USB device ${devices.map(([key]) => key.slice(7)).join(', ')}`,
      });
    }
    if (domains.length > 0) {
      exfiltration.push({
        indicator: 'first_times.new_destination', points: first.new_destination * domains.length, observations: domains.flatMap(([, list]) => list),
        detail: `new destination ${domains.map(([key]) => key.slice(7)).join(', ')}`,
      });
    }
  }

  // Expected activity the person's suppressions name counts for nothing, nor for the departing multiplier.
  const counted = exfiltration.filter((c) => !suppressed(c.indicator));
  exfiltration.length = 0;
  for (const c of counted) exfiltration.push(c);
  for (const c of exfiltration) contributions.push(c);
  const factor = departingFactor(policy, departing, d);
  if (factor > 1 && exfiltration.length > 0) {
    const base = exfiltration.reduce((sum, c) => sum + c.points, 0);
    const events = [...new Set(exfiltration.flatMap((c) => c.observations))].sort((a, b) => a.timeMs - b.timeMs || a.eventId - b.eventId);
    contributions.push({
      indicator: 'watch.departing', points: base * (factor - 1), observations: events,
      detail: `departing employee (last day ${dayDate(departing!.lastDay)}, ${departing!.lastDay - d} days left): points ×${factor.toFixed(2)}`,
    });
  }

  if (policy.signals.enabled) {
    let room = policy.signals.max_points_per_day;
    // One pass over the day (most days have no signal at all), not a filter per signal.
    const bySignal = new Map<string, RiskObservation[]>();
    for (const o of day.observations) {
      if (!o.signal) continue;
      const list = bySignal.get(o.signal);
      if (list) list.push(o);
      else bySignal.set(o.signal, [o]);
    }
    for (const signal of ['tamper', 'integrity', 'agent_stop', 'blocked_attempt'] as const) {
      const events = bySignal.get(signal);
      if (!events || room <= 0) continue;
      const points = Math.min(room, policy.signals[signal] * events.length);
      room -= points;
      contributions.push({ indicator: `signals.${signal}`, points, observations: events, detail: signalDetail(signal, events) });
    }
  }

  const kept = contributions.filter((c) => c.points > 0 && !suppressed(c.indicator)).sort((a, b) => b.points - a.points || (a.indicator < b.indicator ? -1 : 1));
  return { raw: kept.reduce((sum, c) => sum + c.points, 0), contributions: kept };
}

const signalLabels = {
  tamper: 'tamper signals (journal reset, clock jump, uninstall …)', agent_stop: 'agent stops', blocked_attempt: 'blocked attempts',
  integrity: 'integrity findings',
} as const;

/** "3 agent stops"; integrity findings name their kinds ("2 integrity findings: chain_break, seal_invalid ×1 …"). */
function signalDetail(signal: keyof typeof signalLabels, events: RiskObservation[]): string {
  if (signal !== 'integrity') return `${events.length} ${signalLabels[signal]}`;
  const kinds = new Map<string, number>();
  for (const o of events) kinds.set(o.category, (kinds.get(o.category) ?? 0) + 1);
  const named = [...kinds].map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind)).join(', ');
  return `${events.length} integrity finding${events.length > 1 ? 's' : ''} on the PC: ${named}`;
}
