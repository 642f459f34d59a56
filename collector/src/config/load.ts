import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { CollectorError } from '../errors.ts';
import { CollectorConfigSchema, type CollectorConfig } from './schema.ts';

/**
 * Default data dir: MAMORI_COLLECTOR_DATA, else the one the installed package declares (a `data-dir` file beside
 * the executable, or in MAMORI_APP_ROOT: the .deb writes /var/lib/mamori-collector there, so the installed CLI
 * finds the installed collector without -d), else ./.mamori/collector. The only module that reads process.env.
 */
export function defaultDataDir(): string {
  if (process.env.MAMORI_COLLECTOR_DATA) return process.env.MAMORI_COLLECTOR_DATA;
  return packagedDataDir() ?? join(process.cwd(), '.mamori', 'collector');
}

/** The data dir an installed package declares beside the executable (or in MAMORI_APP_ROOT), if any. */
export function packagedDataDir(): string | undefined {
  const declared = join(process.env.MAMORI_APP_ROOT ?? dirname(process.execPath), PACKAGED_DATA_DIR_FILE);
  if (!existsSync(declared)) return undefined;
  const dir = readFileSync(declared, 'utf8').trim();
  return isAbsolute(dir) ? dir : undefined;
}

/** The file a package puts beside the executable to name its data dir (one absolute path). */
export const PACKAGED_DATA_DIR_FILE = 'data-dir';

export function configFile(dataDir: string): string {
  return join(dataDir, 'collector.yaml');
}

/** Reads <dataDir>/collector.yaml (if present), applies overrides, validates once, freezes. */
export function loadCollectorConfig(dataDir: string, overrides: Record<string, unknown> = {}): CollectorConfig {
  const file = configFile(dataDir);
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw new CollectorError('COLLECTOR_CONFIG_INVALID', `${file}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const merged = mergeDeep(fromFile, { ...overrides, dataDir });
  const result = CollectorConfigSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new CollectorError('COLLECTOR_CONFIG_INVALID', `${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return Object.freeze(result.data);
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const existing = out[key];
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object'
      ? mergeDeep(existing as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return out;
}
