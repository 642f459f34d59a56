// A generated organisation for risk scoring: N people over D days (Asia/Tokyo), with departments, a night-shift team
// working 22:00–06:00, public holidays, everyday noise (USB copies, prints, mail to partners, occasional personal
// uploads, overtime) and three planted cases:
//  - leaver: departing (HR list), uploads the customer list to personal storage at 23:00 on the Saturday of their last week;
//  - usbSurge: a daily USB user copying ten times their usual volume;
//  - firstUsb: someone who never used USB, then a first use followed by a bulk copy.
// Deterministic for a seed. Imports only the proto types, so tests and the benchmark share it.

import type { Event } from '@mamori/proto';

export interface RiskPopulationOptions {
  users: number;
  days: number;
  /** First day, YYYY-MM-DD (local). */
  start?: string;
  seed?: number;
}

export interface GeneratedAgent {
  agentId: string;
  pc: string;
  user: string;
  department: string;
  events: Event[];
}

export interface RiskPopulation {
  agents: GeneratedAgent[];
  /** Directory CSV rows (pc, department). */
  directory: { pc: string; department: string; site: string }[];
  /** The HR list of departing people (YYYY-MM-DD dates). */
  departing: { user: string; noticeDate: string; lastDay: string }[];
  holidays: string[];
  nightShift: string[];
  planted: { leaver: string; usbSurge: string; firstUsb: string };
  /** Last generated day, YYYY-MM-DD: the day a ranking is asked for. */
  lastDate: string;
  /** The planted events' sequence numbers per agent (a breakdown must name them). */
  plantedEvents: { leaver: { agentId: string; seq: number }[]; usbSurge: { agentId: string; seq: number }[]; firstUsb: { agentId: string; seq: number }[] };
  totalEvents: number;
}

const departments = ['sales', 'accounting', 'engineering', 'hr', 'legal', 'support', 'marketing', 'logistics', 'purchasing', 'operations'];
const partnerDomains = Array.from({ length: 400 }, (_, i) => `partner${i}.co.jp`);
const dayMs = 86_400_000;
const jstOffsetMs = 9 * 3_600_000;

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dateOf(dayIndex: number): string {
  return new Date(dayIndex * dayMs).toISOString().slice(0, 10);
}

/** Unix ms of a local (JST) time on a day index. */
function jst(dayIndex: number, hours: number): number {
  return dayIndex * dayMs + hours * 3_600_000 - jstOffsetMs;
}

interface Person {
  user: string;
  pc: string;
  agentId: string;
  department: string;
  night: boolean;
  usbUser: boolean;
  usbMeanBytes: number;
  usbSerial: string;
  mailer: number;
  printer: number;
  partners: string[];
  personalCloud: boolean;
}

export function generateRiskPopulation(options: RiskPopulationOptions): RiskPopulation {
  const rand = random(options.seed ?? 42);
  const firstDay = Math.round(Date.parse(`${options.start ?? '2026-01-05'}T00:00:00Z`) / dayMs);
  const lastDay = firstDay + options.days - 1;
  // Holidays: every 20th day from the 9th that falls on a weekday.
  const holidays: string[] = [];
  for (let d = firstDay + 9; d <= lastDay - 7; d += 20) if (new Date(d * dayMs).getUTCDay() % 6 !== 0) holidays.push(dateOf(d));
  const holidaySet = new Set(holidays);
  const nightCount = Math.max(5, Math.round(options.users * 0.03));

  const people: Person[] = Array.from({ length: options.users }, (_, i) => {
    const night = i < nightCount;
    const department = night ? 'operations' : departments[i % (departments.length - 1)]!;
    const user = `u${String(i).padStart(5, '0')}`;
    return {
      user, pc: `PC-${department.slice(0, 4).toUpperCase()}-${String(i).padStart(5, '0')}`, agentId: `agent-${user}`, department, night,
      usbUser: night || rand() < 0.3, usbMeanBytes: 2e6 + rand() * 20e6, usbSerial: `SN${i}`,
      mailer: rand() * 2, printer: rand() * 3,
      partners: Array.from({ length: 3 }, () => partnerDomains[Math.floor(rand() * partnerDomains.length)]!),
      personalCloud: rand() < 0.1,
    };
  });
  const planted = { leaver: people[nightCount + 1]!, usbSurge: people[nightCount + 2]!, firstUsb: people[nightCount + 3]! };
  planted.leaver.usbUser = false;
  planted.usbSurge.usbUser = true;
  planted.usbSurge.usbMeanBytes = 10e6;
  planted.firstUsb.usbUser = false;

  // The planted copies happen on the last two working days; the leaver's upload on the Saturday of their last week
  // (their last day is the window's last day + 3).
  const isWorking = (d: number) => new Date(d * dayMs).getUTCDay() % 6 !== 0 && !holidaySet.has(dateOf(d));
  let firstUsbDay = lastDay;
  while (!isWorking(firstUsbDay)) firstUsbDay -= 1;
  let surgeDay = firstUsbDay - 1;
  while (!isWorking(surgeDay)) surgeDay -= 1;
  const leaverLastDay = lastDay + 3;
  let leaverSaturday = lastDay;
  while (new Date(leaverSaturday * dayMs).getUTCDay() !== 6) leaverSaturday -= 1;
  const plantedEvents: RiskPopulation['plantedEvents'] = { leaver: [], usbSurge: [], firstUsb: [] };
  let totalEvents = 0;

  const agents = people.map((person): GeneratedAgent => {
    const events: Event[] = [];
    const push = (timeMs: number, payload: Partial<Event>): number => {
      const seq = events.length + 1;
      events.push({ seq, timeMs, agentId: person.agentId, pc: person.pc, user: person.user, ...payload });
      return seq;
    };
    for (let d = firstDay; d <= lastDay; d += 1) {
      const plantedDay = (person === planted.usbSurge && d === surgeDay) || (person === planted.firstUsb && d === firstUsbDay);
      if (!isWorking(d) || (rand() < 0.05 && !plantedDay)) continue;
      // Day workers 09:00–18:00 with some overtime until 21:00; the night shift 22:00–06:00.
      const at = () => (person.night ? jst(d, 22 + rand() * 8) : jst(d, rand() < 0.05 ? 18 + rand() * 3 : 9 + rand() * 9));
      const day: [number, Partial<Event>][] = [];
      if (person.usbUser) {
        const copies = 1 + Math.floor(rand() * 4);
        for (let c = 0; c < copies; c += 1) {
          day.push([at(), { fileCopy: {
            destinationPath: `/media/usb/doc-${d}-${c}.xlsx`, destinationKind: 'removable', destinationRoot: '/media/usb',
            sizeBytes: Math.round((person.usbMeanBytes / copies) * (0.5 + rand())), device: { serial: person.usbSerial, vendorId: '0781', productId: '5581' },
            operation: 'created',
          } }]);
        }
      }
      const mails = Math.floor(rand() * (person.mailer + 1));
      for (let m = 0; m < mails; m += 1) {
        const domain = rand() < 0.03 ? partnerDomains[Math.floor(rand() * partnerDomains.length)]! : person.partners[Math.floor(rand() * person.partners.length)]!;
        day.push([at(), { mail: {
          messageId: `<${person.user}-${d}-${m}@example.co.jp>`, from: `${person.user}@example.co.jp`, to: [`contact@${domain}`], subject: '資料送付',
          sizeBytes: 300_000, attachments: [{ fileName: 'quote.pdf', contentType: 'application/pdf', sizeBytes: 100_000 + Math.round(rand() * 2e6) }], verdict: 'relayed',
        } }]);
      }
      // Internal mail: stored evidence the scorer reads and leaves out (no external recipient).
      day.push([at(), { mail: { messageId: `<${person.user}-${d}-i@example.co.jp>`, from: `${person.user}@example.co.jp`, to: ['team@example.co.jp'], subject: '共有', sizeBytes: 20_000, verdict: 'relayed' } }]);
      const prints = Math.floor(rand() * (person.printer + 1));
      for (let p = 0; p < prints; p += 1) {
        day.push([at(), { printJob: { jobId: d * 10 + p, documentName: 'report.pdf', printer: 'FLOOR-2', pages: 1 + Math.floor(rand() * 15), copies: 1, state: 'completed', action: 'logged' } }]);
      }
      if (person.personalCloud && rand() < 0.15) {
        day.push([at(), { upload: { pageUrl: 'https://www.dropbox.com/home', destinationHost: 'www.dropbox.com', fileName: 'memo.docx', sizeBytes: 200_000 + Math.round(rand() * 1e6), method: 'input', category: 'personal_cloud', browser: 'chrome' } }]);
      }
      const plantedToday: [keyof RiskPopulation['plantedEvents'], number, Partial<Event>][] = [];
      if (person === planted.usbSurge && d === surgeDay) {
        for (let c = 0; c < 4; c += 1) {
          plantedToday.push(['usbSurge', jst(d, 14 + c * 0.2), { fileCopy: {
            destinationPath: `/media/usb/archive-${c}.zip`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 25_000_000,
            device: { serial: person.usbSerial, vendorId: '0781', productId: '5581' }, operation: 'created',
          } }]);
        }
      }
      if (person === planted.firstUsb && d === firstUsbDay) {
        plantedToday.push(['firstUsb', jst(d, 15), { device: { action: 'MOUNTED', device: { serial: 'NEWSTICK-1', vendorId: '0951', productId: '1666' }, mountPoint: '/media/usb' } }]);
        for (let c = 0; c < 40; c += 1) {
          plantedToday.push(['firstUsb', jst(d, 15.1 + c * 0.01), { fileCopy: {
            destinationPath: `/media/usb/design-${c}.dwg`, destinationKind: 'removable', destinationRoot: '/media/usb', sizeBytes: 12_000_000,
            device: { serial: 'NEWSTICK-1', vendorId: '0951', productId: '1666' }, operation: 'created',
          } }]);
        }
      }
      day.sort((a, b) => a[0] - b[0]);
      for (const [timeMs, payload] of day) push(timeMs, payload);
      for (const [name, timeMs, payload] of plantedToday) {
        const seq = push(timeMs, payload);
        if (!payload.device) plantedEvents[name].push({ agentId: person.agentId, seq });
      }
    }
    if (person === planted.leaver) {
      const seq = push(jst(leaverSaturday, 23), { upload: {
        pageUrl: 'https://mega.nz/', destinationHost: 'mega.nz', fileName: '顧客リスト.xlsx', sizeBytes: 85_000_000, method: 'drop',
        category: 'personal_cloud', browser: 'chrome',
        content: { status: 'inspected', format: 'xlsx', severity: 'high', findings: [{ rule: 'personal_data_list', detector: 'phone', count: 4000, severity: 'high', label: 'a customer list' }] },
      } });
      plantedEvents.leaver.push({ agentId: person.agentId, seq });
    }
    events.sort((a, b) => Number(a.timeMs) - Number(b.timeMs));
    // Sequence numbers follow time, as an agent's journal does.
    const renumbered = new Map<number, number>();
    events.forEach((event, i) => {
      renumbered.set(Number(event.seq), i + 1);
      event.seq = i + 1;
    });
    for (const list of Object.values(plantedEvents)) for (const ref of list) if (ref.agentId === person.agentId) ref.seq = renumbered.get(ref.seq)!;
    totalEvents += events.length;
    return { agentId: person.agentId, pc: person.pc, user: person.user, department: person.department, events };
  });

  return {
    agents, holidays, totalEvents, plantedEvents, lastDate: dateOf(lastDay),
    directory: people.map((p) => ({ pc: p.pc, department: p.department, site: '' })),
    departing: [{ user: planted.leaver.user, noticeDate: dateOf(leaverLastDay - 45), lastDay: dateOf(leaverLastDay) }],
    nightShift: people.filter((p) => p.night).map((p) => p.user),
    planted: { leaver: planted.leaver.user, usbSurge: planted.usbSurge.user, firstUsb: planted.firstUsb.user },
  };
}
