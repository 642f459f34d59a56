import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EffectivePolicy } from '@mamori/policies';
import { AgentError } from '../errors.ts';

/** Who this agent is, as established at enrollment. The private key lives beside it in agent.key (0600). */
export interface AgentIdentity {
  agentId: string;
  pc: string;
  hardwareId: string;
  /**
   * The deployment's collectors (host:port), in the order the uplink tries them: the one it last streamed to
   * first. One address from the token at enrollment, or the list the collector hands out (config `grpc.agentAddresses`).
   */
  collectorAddresses: string[];
  caFingerprint: string;
  caPem: string;
  publicKey: string;
  /** Base64 HMAC key for offline unlock codes. */
  unlockKey: string;
  collectorName: string;
  enrolledMs: number;
  /** The seal chain started at enrollment (absent for agents enrolled before sealing, or enrolled unsealed). */
  sealChain?: number;
}

export const stateFiles = {
  identity: 'identity.json', privateKey: 'agent.key', journal: 'journal.db', policy: 'policy.json', pid: 'agent.pid',
  sealKey: 'seal.key',
} as const;

/** Writes a file atomically (temp + rename) so a crash never leaves half a key or half a policy. */
export function writeAtomic(path: string, text: string, mode = 0o600): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, path);
}

export function readIdentity(stateDir: string): { identity: AgentIdentity; privateKeyPem: string } {
  const file = join(stateDir, stateFiles.identity);
  if (!existsSync(file)) throw new AgentError('AGENT_NOT_ENROLLED');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AgentError('AGENT_IDENTITY_INVALID', `${file}: ${(error as Error).message}`, { cause: error });
  }
  return { identity: withCollectorAddresses(parsed, file), privateKeyPem: readFileSync(join(stateDir, stateFiles.privateKey), 'utf8') };
}

/**
 * Agents enrolled before several collectors existed saved one `collectorAddress`: read as a list of one (the file
 * is rewritten with the list the next time a collector hands one out). Anything else without an address is refused
 * by name rather than dialled as `undefined`.
 */
function withCollectorAddresses(parsed: unknown, file: string): AgentIdentity {
  const record = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const { collectorAddress: single, ...rest } = record;
  const addresses = record.collectorAddresses ?? (typeof single === 'string' ? [single] : undefined);
  if (!Array.isArray(addresses) || addresses.length === 0 || !addresses.every((a) => typeof a === 'string' && /^[^\s:]+:\d{1,5}$/.test(a))) {
    throw new AgentError('AGENT_IDENTITY_INVALID', `${file}: collectorAddresses must be a non-empty list of host:port (or, as written before, one collectorAddress)`);
  }
  return { ...rest, collectorAddresses: addresses as string[] } as unknown as AgentIdentity;
}

/** Saves a new order of the deployment's collectors (the uplink learned it from a collector's welcome). */
export function saveCollectorAddresses(stateDir: string, addresses: readonly string[]): void {
  const file = join(stateDir, stateFiles.identity);
  const { identity } = readIdentity(stateDir);
  writeAtomic(file, `${JSON.stringify({ ...identity, collectorAddresses: [...addresses] }, null, 2)}\n`, 0o600);
}

export function isEnrolled(stateDir: string): boolean {
  return existsSync(join(stateDir, stateFiles.identity));
}

export function writeIdentity(stateDir: string, identity: AgentIdentity, privateKeyPem: string): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeAtomic(join(stateDir, stateFiles.privateKey), privateKeyPem, 0o600);
  writeAtomic(join(stateDir, stateFiles.identity), `${JSON.stringify(identity, null, 2)}\n`, 0o600);
}

/** The last policy received, so an offline PC boots into the same protection. */
export function readSavedPolicy(stateDir: string): EffectivePolicy | undefined {
  const file = join(stateDir, stateFiles.policy);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EffectivePolicy;
  } catch {
    return undefined;
  }
}

export function savePolicy(stateDir: string, policy: EffectivePolicy): void {
  writeAtomic(join(stateDir, stateFiles.policy), JSON.stringify(policy), 0o600);
}
