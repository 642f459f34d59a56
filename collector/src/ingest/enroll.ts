import { createHash, randomBytes } from 'node:crypto';
import type { EnrollRequest__Output, EnrollResponse } from '@mamori/proto';
import { CollectorError } from '../errors.ts';
import type { CollectorHub } from '../hub.ts';
import type { PolicyService } from '../policy-service.ts';
import type { Store } from '../store/store.ts';
import { noteHostnameTakeover } from './hostname-takeover.ts';

export function hashTokenSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

const tokenErrors = {
  unknown: 'COLLECTOR_TOKEN_UNKNOWN', expired: 'COLLECTOR_TOKEN_EXPIRED', used_up: 'COLLECTOR_TOKEN_USED_UP', revoked: 'COLLECTOR_TOKEN_REVOKED',
} as const;

/**
 * Registers a PC. A PC that enrolls again (same hardware id) gets a new agent; the old one is retired with its
 * history kept, and the re-enrollment is recorded as an integrity finding so nobody can hide history that way.
 */
export async function enrollAgent(
  request: EnrollRequest__Output,
  deps: { store: Store; policy: PolicyService; hub: CollectorHub; collectorName: string; now: () => number; collectorAddresses?: readonly string[] },
): Promise<EnrollResponse> {
  const hostname = request.hostname.trim();
  if (!hostname || hostname.length > 253) throw new CollectorError('COLLECTOR_ENROLL_INVALID', 'hostname missing or too long');
  if (!request.hardwareId || request.hardwareId.length > 256) throw new CollectorError('COLLECTOR_ENROLL_INVALID', 'hardware id missing or too long');
  if (request.publicKey.length !== 32) throw new CollectorError('COLLECTOR_ENROLL_INVALID', 'public key must be a raw 32-byte Ed25519 key');
  if (!request.tokenSecret) throw new CollectorError('COLLECTOR_TOKEN_UNKNOWN');
  // No seed: an agent from before sealing (its events are stored unsealed); a seed must be whole.
  if (request.sealSeed.length > 0 && (request.sealSeed.length !== 32 || request.sealChain === 0)) {
    throw new CollectorError('COLLECTOR_SEAL_SEED_INVALID', 'a seal seed is 32 bytes with a non-zero chain id');
  }

  const now = deps.now();
  const use = await deps.store.useToken(hashTokenSecret(request.tokenSecret), now);
  if (!use.ok) throw new CollectorError(tokenErrors[use.reason]);

  const previous = await deps.store.findActiveAgentByHardwareId(request.hardwareId);
  const agentId = `ag_${randomBytes(12).toString('hex')}`;
  const unlockKey = randomBytes(32);
  if (previous) await deps.store.retireAgent(previous.id, now);
  await deps.store.createAgent({
    id: agentId, pc: hostname, hardwareId: request.hardwareId, os: request.os.slice(0, 200), publicKey: request.publicKey,
    unlockKey, enrolledMs: now, previousAgentId: previous?.id ?? null,
  });
  await noteHostnameTakeover(deps, { agentId, hostname, hardwareId: request.hardwareId, timeMs: now });
  if (request.sealSeed.length === 32) {
    await deps.store.addSealSeed(agentId, { chain: request.sealChain, seed: request.sealSeed, fromSeq: 1, reason: 'enrollment', receivedMs: now });
  }
  if (previous) {
    const finding = {
      agentId, pc: hostname, timeMs: now, kind: 're_enrolled',
      detail: `PC re-enrolled; previous agent ${previous.id} (${previous.pc}) last stored seq ${previous.lastSeq} is retired, its history kept`,
    };
    await deps.store.recordIntegrityFinding(finding);
    deps.hub.emit('integrity', finding);
  }
  const policy = await deps.policy.effectiveFor(hostname);
  return {
    agentId, policyVersion: policy.version, policyJson: JSON.stringify(policy), unlockKey, collectorName: deps.collectorName,
    collectorAddresses: [...deps.collectorAddresses ?? []],
  };
}
