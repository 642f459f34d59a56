import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { KnownProfile } from '../common/extension-health.ts';
import type { ProfileStore } from '../common/upload-sensor.ts';

/** Known browser profiles in a small JSON file in the agent's state folder (written atomically). */
export class JsonProfileStore implements ProfileStore {
  readonly #file: string;
  constructor(file: string) {
    this.#file = file;
  }

  load(): KnownProfile[] {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch {
      return [];
    }
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value.filter((p): p is KnownProfile => typeof p?.browser === 'string' && typeof p?.profileId === 'string'
      && typeof p?.lastSeenMs === 'number' && typeof p?.alive === 'boolean' && typeof p?.installed === 'boolean'
      && typeof p?.extensionVersion === 'string').slice(0, 1000);
  }

  save(profiles: KnownProfile[]): void {
    const temp = `${this.#file}.tmp`;
    writeFileSync(temp, JSON.stringify(profiles));
    renameSync(temp, this.#file);
  }
}
