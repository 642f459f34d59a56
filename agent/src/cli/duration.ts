import { AgentError } from '../errors.ts';

/** "60", "60s", "500ms", "2m" → milliseconds; a bare number is seconds (what the uninstallers always passed). */
export function parseDurationMs(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new AgentError('AGENT_USAGE', `${option} must be a duration like 60s, 500ms or 2m (got "${text}")`);
  const value = Number(match[1]);
  return Math.round(match[2] === 'ms' ? value : match[2] === 'm' ? value * 60_000 : value * 1000);
}
