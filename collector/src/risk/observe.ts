import type { Event__Output } from '@mamori/proto';
import type { PolicySet } from '@mamori/policies';
import { SiteCalendars } from '../alerts/calendar.ts';
import type { RiskIntegrityFinding, RiskObservation, RiskSignalName, RiskVectorName } from '../store/repositories/risk.ts';
import type { StoredEvent } from '../store/types.ts';
import type { AttendanceBook } from './attendance.ts';
import { RiskCalendar } from './days.ts';

const severityOrder = ['', 'info', 'low', 'medium', 'high', 'critical'];

function highest(severities: Iterable<string>): string {
  let best = '';
  for (const severity of severities) if (severityOrder.indexOf(severity) > severityOrder.indexOf(best)) best = severity;
  return best;
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at >= 0 ? address.slice(at + 1) : address).replace(/>.*$/, '').trim().toLowerCase();
}

function withinDomains(domain: string, domains: readonly string[]): boolean {
  return domains.some((own) => domain === own || domain.endsWith(`.${own}`));
}

/** Lifecycle kinds that say the evidence or the agent was interfered with. */
const tamperKinds = new Set(['JOURNAL_RESET', 'UNSENT_DISCARDED', 'CLOCK_JUMP', 'JOURNAL_GAP', 'SEAL_RESET', 'UNINSTALLED']);

interface Facts {
  vector: RiskVectorName | '';
  volume: number;
  category: string;
  destinations: string[];
  contentSeverity: string;
  signal: RiskSignalName | '';
}

const none: Facts = { vector: '', volume: 0, category: '', destinations: [], contentSeverity: '', signal: '' };

/** What an event's payload means for risk, independent of time and place. Undefined: nothing. */
function factsOf(event: Event__Output, policy: PolicySet): Facts | undefined {
  switch (event.payload) {
    case 'fileCopy': {
      const copy = event.fileCopy!;
      if (copy.destinationKind !== 'removable') return undefined;
      const serial = copy.device?.serial ?? '';
      return {
        ...none, vector: 'usb', volume: copy.sizeBytes, category: 'removable', destinations: serial ? [`device:${serial}`] : [],
        contentSeverity: copy.content?.severity ?? '',
      };
    }
    case 'upload': {
      const upload = event.upload!;
      if (!policy.risk.upload_categories.includes(upload.category)) return undefined;
      return {
        ...none, vector: 'cloud_upload', volume: upload.sizeBytes, category: upload.category,
        destinations: upload.destinationHost ? [`domain:${upload.destinationHost.toLowerCase()}`] : [], contentSeverity: upload.content?.severity ?? '',
      };
    }
    case 'mail': {
      const mail = event.mail!;
      if (mail.verdict === 'blocked') return { ...none, signal: 'blocked_attempt' };
      const attachments = mail.attachments.filter((a) => !a.inline);
      const external = [...mail.to, ...mail.cc, ...mail.bcc].map(domainOf)
        .filter((domain) => domain && !withinDomains(domain, policy.mail.internal_domains) && !withinDomains(domain, policy.mail.allow_domains));
      if (attachments.length === 0 || external.length === 0) return undefined;
      return {
        ...none, vector: 'external_mail', volume: attachments.reduce((sum, a) => sum + a.sizeBytes, 0), category: 'external',
        destinations: [...new Set(external)].sort().map((domain) => `domain:${domain}`),
        contentSeverity: highest(mail.contentFindings.map((finding) => finding.severity)),
      };
    }
    case 'printJob': {
      const job = event.printJob!;
      if (job.action === 'cancelled' || job.action === 'held') return { ...none, signal: 'blocked_attempt' };
      return { ...none, vector: 'print', volume: job.pages, category: '' };
    }
    case 'device':
      return event.device!.action === 'BLOCKED' ? { ...none, signal: 'blocked_attempt' } : undefined;
    case 'policyDecision':
      return event.policyDecision!.decision === 'block' ? { ...none, signal: 'blocked_attempt' } : undefined;
    case 'lifecycle': {
      const lifecycle = event.lifecycle!;
      if (tamperKinds.has(lifecycle.kind)) return { ...none, signal: 'tamper' };
      // A graceful stop is the PC shutting down; any other recorded stop is someone stopping the agent.
      if (lifecycle.kind === 'STOPPED' && lifecycle.detail !== 'graceful stop') return { ...none, signal: 'agent_stop' };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Turns stored events into observations: the facts of the payload plus local day and working time of the PC's site. */
export class RiskObserver {
  readonly #policy: PolicySet;
  readonly #sites: SiteCalendars;
  readonly #calendars = new Map<string, RiskCalendar>();
  readonly #siteOfPc: (pc: string) => string;
  readonly #attendance: AttendanceBook | undefined;

  /**
   * `siteOfPc`: the directory import's site of a PC ('' when none; then the policy's PC patterns decide).
   * `attendance`: imported attendance records; where a person has one for the day it decides off-hours.
   */
  constructor(policy: PolicySet, siteOfPc: (pc: string) => string, attendance?: AttendanceBook) {
    this.#policy = policy;
    this.#attendance = policy.risk.attendance.enabled ? attendance : undefined;
    this.#sites = new SiteCalendars(policy.alerts.calendar, policy.alerts.sites);
    this.#siteOfPc = siteOfPc;
  }

  #calendarOf(pc: string): RiskCalendar {
    const site = this.#sites.siteOf(pc, this.#siteOfPc(pc)).name;
    let calendar = this.#calendars.get(site);
    if (!calendar) this.#calendars.set(site, (calendar = new RiskCalendar(this.#policy.alerts.sites[site] ?? this.#policy.alerts.calendar)));
    return calendar;
  }

  observe(stored: StoredEvent, event: Event__Output): RiskObservation | undefined {
    const facts = factsOf(event, this.#policy);
    if (!facts) return undefined;
    const time = this.#calendarOf(stored.pc).at(stored.timeMs);
    const recorded = stored.user ? this.#attendance?.working(stored.user, time.day, time.minutes) : undefined;
    // Inside a recorded shift is working time whatever the calendar says (a Saturday shift, a night shift); outside
    // it is off-hours, and still a non-working day when the calendar says so.
    const offHours = recorded === undefined ? time.offHours : !recorded;
    const nonWorkingDay = time.nonWorkingDay && offHours;
    return {
      eventId: stored.id, agentId: stored.agentId, seq: stored.seq, person: stored.user, pc: stored.pc, timeMs: stored.timeMs,
      day: time.day, offHours, nonWorkingDay, byAttendance: recorded !== undefined, ...facts,
    };
  }

  /**
   * A collector integrity finding of a kind the policy counts, as a tamper signal of the PC (and of the person its
   * evidence named then). Undefined for other kinds.
   */
  observeFinding(finding: RiskIntegrityFinding): RiskObservation | undefined {
    if (!this.#policy.risk.signals.integrity_kinds.includes(finding.kind)) return undefined;
    const time = this.#calendarOf(finding.pc).at(finding.timeMs);
    return {
      eventId: -finding.id, agentId: finding.agentId, seq: 0, person: finding.user, pc: finding.pc, timeMs: finding.timeMs, day: time.day,
      offHours: time.offHours, nonWorkingDay: time.nonWorkingDay, byAttendance: false, ...none, category: finding.kind, signal: 'integrity',
    };
  }
}
