import type { Severity } from '@mamori/policies';

/**
 * Integrity findings that are not evidence tampering in themselves, each raised as its own alert (own rule id,
 * so they never fold into a tamper alert) with its own severity. Every other finding is tampering: critical.
 */
export const findingAlerts: Readonly<Record<string, { ruleName: string; severity: Severity }>> = {
  /** The PC's clock is behind the collector's: evidence timestamps are off and time-limited exceptions outlive their end. */
  clock_behind: { ruleName: 'PC clock set back', severity: 'high' },
  clock_ahead: { ruleName: 'PC clock ahead', severity: 'medium' },
  /** An enrollment claimed a PC name already held by an agent with another hardware id. */
  hostname_takeover: { ruleName: 'PC name claimed by another machine', severity: 'high' },
};
