import { readFileSync } from 'node:fs';

/**
 * The environment a systemd unit gives its service (its `Environment=NAME=value` lines), so a benchmark runs a
 * process the way the installed service runs it.
 */
export function serviceEnvironment(unitPath: string): Record<string, string> {
  const unit = readFileSync(unitPath, 'utf8');
  return Object.fromEntries([...unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}
