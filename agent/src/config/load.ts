import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { AgentError } from '../errors.ts';
import { AgentConfigSchema, type AgentConfig } from './schema.ts';

/** Default state folder per OS; MAMORI_AGENT_STATE overrides (tests, `npm start`). */
export function defaultStateDir(): string {
  if (process.env.MAMORI_AGENT_STATE) return process.env.MAMORI_AGENT_STATE;
  if (process.platform === 'win32') return join(process.env.ProgramData ?? 'C:\\ProgramData', 'Mamori');
  if (process.platform === 'darwin') return '/Library/Application Support/Mamori';
  return '/var/lib/mamori';
}

/** Where the Linux package puts the configuration: state in /var/lib/mamori, config and secrets in /etc/mamori. */
export const packagedLinuxLayout = { stateDir: '/var/lib/mamori', configFile: '/etc/mamori/agent.yaml' } as const;

/**
 * The config file when none is named: MAMORI_AGENT_CONFIG, else the package's /etc/mamori/agent.yaml when the state
 * dir is the package's and that file exists (so `mamori-agent drain` typed by an admin reads what the service reads),
 * else <stateDir>/agent.yaml.
 */
export function defaultConfigFile(stateDir: string, layout: { stateDir: string; configFile: string } = packagedLinuxLayout): string {
  if (process.env.MAMORI_AGENT_CONFIG) return process.env.MAMORI_AGENT_CONFIG;
  if (stateDir === layout.stateDir && existsSync(layout.configFile)) return layout.configFile;
  return join(stateDir, 'agent.yaml');
}

/** Settings that are secrets: they belong in secrets.yaml (0600), never in a config file others can read. */
const secretPaths: readonly (readonly string[])[] = [['sensors', 'mail', 'upstream', 'auth', 'pass']];

/**
 * Reads config from an optional YAML file (default: defaultConfigFile) and the
 * secrets file beside it (secrets.yaml, or MAMORI_AGENT_SECRETS: readable by its owner only, merged over the
 * config), applies overrides, validates once and freezes. A secret in a config file others can read, or a secrets
 * file others can read, is refused. The only module that reads process.env.
 */
export function loadAgentConfig(overrides: { stateDir?: string; configFile?: string; secretsFile?: string } = {}): AgentConfig {
  const stateDir = overrides.stateDir ?? defaultStateDir();
  const file = overrides.configFile ?? defaultConfigFile(stateDir);
  const secretsFile = overrides.secretsFile ?? process.env.MAMORI_AGENT_SECRETS ?? join(dirname(file), 'secrets.yaml');
  const fromFile = readYaml(file);
  if (readableByOthers(file)) {
    const leaked = secretPaths.find((path) => valueAt(fromFile, path) !== undefined);
    if (leaked) {
      throw new AgentError('AGENT_CONFIG_INVALID', `${file}: ${leaked.join('.')}: a secret does not belong in a file others can read; put it in ${secretsFile} (mode 0600)`);
    }
  }
  let secrets: Record<string, unknown> = {};
  if (existsSync(secretsFile)) {
    if (readableByOthers(secretsFile)) throw new AgentError('AGENT_CONFIG_INVALID', `${secretsFile}: readable by others; chmod 600 it`);
    secrets = readYaml(secretsFile);
  }
  const result = AgentConfigSchema.safeParse({ ...mergeDeep(fromFile, secrets), stateDir });
  if (!result.success) throw new AgentError('AGENT_CONFIG_INVALID', `${file}: ${describeIssue(result.error.issues[0]!)}`);
  return deepFreeze(result.data);
}

/** One validation issue as `path: problem`; an unknown key is named with its full path (sensors.usbb). */
function describeIssue(issue: z.ZodError['issues'][number]): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${[...issue.path, key].join('.')}: unknown setting (misspelt?)`).join('; ');
  }
  return `${issue.path.join('.')}: ${issue.message}`;
}

function readYaml(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    return (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new AgentError('AGENT_CONFIG_INVALID', `${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Group or others may read it (POSIX modes; Windows ACLs are not modes, and the ProgramData folder is ACL'd). */
function readableByOthers(file: string): boolean {
  return process.platform !== 'win32' && existsSync(file) && (statSync(file).mode & 0o044) !== 0;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)
      ? mergeDeep(current as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The administrator's uninstall code as an uninstaller passes it: in the environment, never on a command line (where
 * any local user's `ps` would show it).
 */
export function uninstallCodeFromEnvironment(): string | undefined {
  return process.env.MAMORI_UNINSTALL_CODE || undefined;
}
