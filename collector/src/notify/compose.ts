import { cleanText } from '../alerts/describe-event.ts';
import type { Alert } from '../alerts/types.ts';

/** A mail ready for the outbox. */
export interface ComposedMail {
  subject: string;
  body: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
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

/**
 * One urgent alert, for a phone: the subject says severity, PC, user and what; the body adds when, how many and
 * the link. No HTML, no attachments, nothing from the PC beyond short cleaned names.
 */
export function composeImmediate(alert: Alert, publicUrl: string, timeZone: string): ComposedMail {
  const subject = `[${alert.severity.toUpperCase()}] ${cleanText(alert.pc, 40) || '-'} ${who(alert)}: ${cleanText(alert.ruleName, 80)}`;
  const lines = [
    `${alert.severity.toUpperCase()}: ${cleanText(alert.title, 200)}`,
    `PC: ${cleanText(alert.pc, 60) || '-'}   User: ${who(alert)}`,
    `When: ${formatTime(alert.firstMs, timeZone)} (${timeZone})${alert.count > 1 ? `, ${alert.count} times until ${formatTime(alert.lastMs, timeZone)}` : ''}`,
    `Open: ${alertLink(publicUrl, alert.id)}`,
  ];
  return { subject, body: `${lines.join('\n')}\n` };
}

function listLine(alert: Alert, publicUrl: string, timeZone: string): string {
  return `- ${formatTime(alert.firstMs, timeZone)} [${alert.severity.toUpperCase()}] ${cleanText(alert.pc, 40) || '-'} ${who(alert)}: ${cleanText(alert.title, 120)}${alert.count > 1 ? ` (x${alert.count})` : ''}\n  ${alertLink(publicUrl, alert.id)}`;
}

const maxListed = 30;

function highest(alerts: Alert[]): string {
  const order = ['critical', 'high', 'medium', 'low', 'info'];
  return order.find((s) => alerts.some((a) => a.severity === s))?.toUpperCase() ?? 'INFO';
}

function list(alerts: Alert[], publicUrl: string, timeZone: string): string[] {
  const lines = alerts.slice(0, maxListed).map((a) => listLine(a, publicUrl, timeZone));
  if (alerts.length > maxListed) lines.push(`… and ${alerts.length - maxListed} more: ${publicUrl.replace(/\/+$/, '')}/alerts`);
  return lines;
}

/** The "N more" mail a rate-limited recipient gets once the limit allows, instead of a flood. */
export function composeOverflowSummary(alerts: Alert[], publicUrl: string, timeZone: string): ComposedMail {
  return {
    subject: `[${highest(alerts)}] ${alerts.length} more alert${alerts.length === 1 ? '' : 's'}`,
    body: `${[`${alerts.length} more alert${alerts.length === 1 ? '' : 's'} while your mail limit was reached:`, ...list(alerts, publicUrl, timeZone)].join('\n')}\n`,
  };
}

/** An hourly or daily digest of the alerts below a group's immediate severity. */
export function composeDigest(alerts: Alert[], period: 'hourly' | 'daily', publicUrl: string, timeZone: string): ComposedMail {
  return {
    subject: `[${highest(alerts)}] Mamori ${period} digest: ${alerts.length} alert${alerts.length === 1 ? '' : 's'}`,
    body: `${list(alerts, publicUrl, timeZone).join('\n')}\n`,
  };
}
