import { cleanText } from '../alerts/describe-event.ts';
import type { Alert } from '../alerts/types.ts';
import { alertTitle } from '../i18n/alert-title.ts';
import type { Language } from '../i18n/language.ts';
import type { CollectorMessageKey } from '../i18n/messages.ts';
import { ruleName, translate } from '../i18n/translate.ts';

/** A mail ready for the outbox. */
export interface ComposedMail {
  subject: string;
  body: string;
}

/** How one recipient reads mail: their language, and the time zone times are written in. */
export interface MailStyle {
  language: Language;
  timeZone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** "2026-03-03 09:05" in a zone: the same numeric form in every language (no AM/PM, no day-month ambiguity). */
export function formatTime(ms: number, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  return format.format(ms);
}

export function alertLink(publicUrl: string, id: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/alerts/${id}`;
}

const who = (alert: Alert) => cleanText(alert.user, 40) || '-';
const say = (style: MailStyle, key: CollectorMessageKey, params?: Record<string, string | number>) => translate(style.language, { key, ...(params ? { params } : {}) });
const severityWord = (style: MailStyle, severity: string) => say(style, `severity.${severity}` as CollectorMessageKey);

/**
 * One urgent alert, for a phone: the subject says severity, PC, user and what; the body adds when, how many and
 * the link. No HTML, no attachments, nothing from the PC beyond short cleaned names.
 */
export function composeImmediate(alert: Alert, publicUrl: string, style: MailStyle): ComposedMail {
  const severity = severityWord(style, alert.severity);
  const subject = `[${severity}] ${cleanText(alert.pc, 40) || '-'} ${who(alert)}: ${cleanText(ruleName(style.language, alert.ruleName), 80)}`;
  const when = { time: formatTime(alert.firstMs, style.timeZone), zone: style.timeZone };
  const lines = [
    `${severity}: ${cleanText(alertTitle(alert, style.language), 200)}`,
    say(style, 'mail.pcUser', { pc: cleanText(alert.pc, 60) || '-', user: who(alert) }),
    alert.count > 1 ? say(style, 'mail.whenRepeated', { ...when, count: alert.count, until: formatTime(alert.lastMs, style.timeZone) }) : say(style, 'mail.when', when),
    say(style, 'mail.open', { url: alertLink(publicUrl, alert.id) }),
  ];
  return { subject, body: `${lines.join('\n')}\n` };
}

function listLine(alert: Alert, publicUrl: string, style: MailStyle): string {
  const times = alert.count > 1 ? ` ${say(style, 'mail.times', { count: alert.count })}` : '';
  return `- ${formatTime(alert.firstMs, style.timeZone)} [${severityWord(style, alert.severity)}] ${cleanText(alert.pc, 40) || '-'} ${who(alert)}: ${cleanText(alertTitle(alert, style.language), 120)}${times}\n  ${alertLink(publicUrl, alert.id)}`;
}

const maxListed = 30;

function highest(alerts: Alert[]): string {
  const order = ['critical', 'high', 'medium', 'low', 'info'];
  return order.find((s) => alerts.some((a) => a.severity === s)) ?? 'info';
}

function list(alerts: Alert[], publicUrl: string, style: MailStyle): string[] {
  const lines = alerts.slice(0, maxListed).map((a) => listLine(a, publicUrl, style));
  if (alerts.length > maxListed) lines.push(say(style, 'mail.andMore', { count: alerts.length - maxListed, url: `${publicUrl.replace(/\/+$/, '')}/alerts` }));
  return lines;
}

/** The "N more" mail a rate-limited recipient gets once the limit allows, instead of a flood. */
export function composeOverflowSummary(alerts: Alert[], publicUrl: string, style: MailStyle): ComposedMail {
  const one = alerts.length === 1;
  const params = { severity: severityWord(style, highest(alerts)), count: alerts.length };
  return {
    subject: say(style, one ? 'mail.overflowSubjectOne' : 'mail.overflowSubject', params),
    body: `${[say(style, one ? 'mail.overflowIntroOne' : 'mail.overflowIntro', params), ...list(alerts, publicUrl, style)].join('\n')}\n`,
  };
}

/** An hourly or daily digest of the alerts below a group's immediate severity. */
export function composeDigest(alerts: Alert[], period: 'hourly' | 'daily', publicUrl: string, style: MailStyle): ComposedMail {
  const key = `mail.${alerts.length === 1 ? 'digestSubjectOne' : 'digestSubject'}.${period}` as CollectorMessageKey;
  return {
    subject: say(style, key, { severity: severityWord(style, highest(alerts)), count: alerts.length }),
    body: `${list(alerts, publicUrl, style).join('\n')}\n`,
  };
}
