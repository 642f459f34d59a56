import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AgentError } from '../errors.ts';
import { AgentConfigSchema, type AgentConfig } from './schema.ts';

/** Default state folder per OS; MAMORI_AGENT_STATE overrides (tests, `npm start`). */
export function defaultStateDir(): string {
  if (process.env.MAMORI_AGENT_STATE) return process.env.MAMORI_AGENT_STATE;
  if (process.platform === 'win32') return join(process.env.ProgramData ?? 'C:\\ProgramData', 'Mamori');
  if (process.platform === 'darwin') return '/Library/Application Support/Mamori';
  return '/var/lib/mamori';
}

/**
 * Reads config from an optional YAML file (default: <stateDir>/agent.yaml, or MAMORI_AGENT_CONFIG), applies
 * overrides, validates once and freezes. The only module that reads process.env.
 */
export function loadAgentConfig(overrides: { stateDir?: string; configFile?: string } = {}): AgentConfig {
  const stateDir = overrides.stateDir ?? defaultStateDir();
  const file = overrides.configFile ?? process.env.MAMORI_AGENT_CONFIG ?? join(stateDir, 'agent.yaml');
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw new AgentError('AGENT_CONFIG_INVALID', `${file}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const result = AgentConfigSchema.safeParse({ ...fromFile, stateDir });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AgentError('AGENT_CONFIG_INVALID', `${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return deepFreeze(result.data);
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
