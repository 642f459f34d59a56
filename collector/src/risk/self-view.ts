import type { RiskRepository } from '../store/repositories/risk.ts';
import { dayDate } from './days.ts';
import { decayedScore } from './ranking.ts';

/** The command that carries a person's own indicators down the agent's stream to the tray page. */
export const selfViewCommand = 'risk_self_view';

/** What an employee sees of their own score on the tray page: recent days, each indicator in plain words. */
export interface RiskSelfView {
  user: string;
  /** The local date the view was made for. */
  date: string;
  score: number;
  days: { date: string; points: number; items: { indicator: string; en: string; ja: string; detail: string; points: number }[] }[];
}

/** Plain words for each indicator family (what the employee did, not how the scorer weighs it). */
const plainWords: Record<string, { en: string; ja: string }> = {
  'vector.usb': { en: 'Files copied to USB storage', ja: 'USBメモリへのファイルのコピー' },
  'vector.cloud_upload': { en: 'Uploads to personal cloud storage or file transfer sites', ja: '個人向けクラウドやファイル転送サイトへのアップロード' },
  'vector.external_mail': { en: 'Mail with attachments to outside addresses', ja: '社外宛ての添付ファイル付きメール' },
  'vector.print': { en: 'Printing', ja: '印刷' },
  baseline: { en: 'Much more than you usually do', ja: 'ふだんのご自身と比べて大幅に多い量' },
  peers: { en: 'Much more than others in your department', ja: '同じ部署の方と比べて大幅に多い量' },
  'timing.off_hours': { en: 'Outside working hours', ja: '勤務時間外の操作' },
  'timing.non_working_day': { en: 'On a non-working day', ja: '休日の操作' },
  'first_times.first_usb': { en: 'First use of USB storage in a long time', ja: '久しぶりのUSBメモリ利用' },
  'first_times.new_device': { en: 'A storage device not used before', ja: '初めて使う記憶装置' },
  'first_times.new_destination': { en: 'A destination not used before', ja: '初めての送信先' },
  'watch.departing': { en: 'Weighed more in the weeks before leaving the company', ja: '退職前の期間のため重みづけ' },
  'signals.tamper': { en: 'The monitoring agent was interfered with', ja: '監視エージェントへの干渉' },
  'signals.agent_stop': { en: 'The monitoring agent was stopped', ja: '監視エージェントの停止' },
  'signals.blocked_attempt': { en: 'Attempts that the policy blocked', ja: 'ポリシーでブロックされた操作' },
};

function wordsFor(indicator: string): { en: string; ja: string } {
  return plainWords[indicator] ?? plainWords[indicator.split('.')[0]!] ?? { en: indicator, ja: indicator };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A person's own view: today's decayed score and the contributions of the last `days` days, newest first. */
export async function buildSelfView(repo: RiskRepository, person: string, day: number, decayPerDay: number, days = 7): Promise<RiskSelfView> {
  const rows = await repo.personDays(person, day - days + 1, day);
  const latest = await repo.latestPersonRow(person, day);
  return {
    user: person, date: dayDate(day), score: round(decayedScore(latest, day, decayPerDay)),
    days: rows.reverse().map((row) => ({
      date: dayDate(row.day), points: round(row.raw),
      items: row.contributions.map((c) => ({ indicator: c.indicator, ...wordsFor(c.indicator), detail: c.detail, points: round(c.points) })),
    })),
  };
}
