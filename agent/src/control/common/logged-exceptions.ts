import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeviceException } from '@mamori/policies';

/**
 * The exceptions device control has already journaled as applied, kept across restarts in a small file: a
 * restart then journals only what changed while the agent was down (new, ended, revoked), not every exception
 * again. An unreadable file counts as empty (worst case: the exceptions are journaled once more).
 */
export class LoggedExceptions {
  constructor(private readonly path: string) {}

  load(): DeviceException[] {
    if (!existsSync(this.path)) return [];
    try {
      const value = JSON.parse(readFileSync(this.path, 'utf8')) as unknown;
      return Array.isArray(value) ? value.filter((e): e is DeviceException => typeof e?.id === 'string' && typeof e?.untilMs === 'number') : [];
    } catch {
      return [];
    }
  }

  save(exceptions: DeviceException[]): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, JSON.stringify(exceptions), { mode: 0o600 });
    renameSync(temp, this.path);
  }
}
