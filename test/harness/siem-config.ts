import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/** Adds a `siem` section to a collector's collector.yaml (what an operator would write). */
export function writeSiemConfig(dataDir: string, siem: Record<string, unknown>): void {
  const file = join(dataDir, 'collector.yaml');
  const config = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  writeFileSync(file, stringify({ ...config, siem }));
}
