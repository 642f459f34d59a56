import { hostname as osHostname, platform, release } from 'node:os';
import { EffectivePolicySchema } from '@mamori/policies';
import { decodeEnrollmentToken, generateEd25519KeyPair, MalformedTokenError, type EnrollResponse__Output } from '@mamori/proto';
import { AgentError } from '../errors.ts';
import { join } from 'node:path';
import { SealKeyFile } from '../core/seal-key-file.ts';
import { newSealChain } from '../core/sealer.ts';
import { isEnrolled, savePolicy, stateFiles, writeIdentity, type AgentIdentity } from '../state/identity.ts';
import { agentVersion } from '../version.ts';
import { createCollectorClient, toAgentError } from './client.ts';
import { orderCollectorAddresses } from './collector-rotation.ts';
import { fetchPinnedCa } from './pin.ts';

export interface EnrollOptions {
  stateDir: string;
  token: string;
  force?: boolean;
  /** Overrides for tests that play several PCs on one machine. */
  hostname?: string;
  hardwareId?: string;
  /** Enroll without a seal chain, like an agent from before sealing (benchmarks measuring sealing's cost). */
  unsealed?: boolean;
}

/** Stable per-machine id: /etc/machine-id, Windows MachineGuid, macOS IOPlatformUUID (via systeminformation). */
export async function machineHardwareId(): Promise<string> {
  const si = await import('../platform/system-information.ts').then((m) => m.systemInformation());
  const uuid = await si.uuid();
  return uuid.os || uuid.hardware || osHostname();
}

/** Enrolls this PC: pins the CA from the token, makes the key pair, registers, saves identity and policy. */
export async function enroll(options: EnrollOptions): Promise<AgentIdentity> {
  if (isEnrolled(options.stateDir) && !options.force) throw new AgentError('AGENT_ALREADY_ENROLLED');
  let token;
  try {
    token = decodeEnrollmentToken(options.token);
  } catch (error) {
    if (error instanceof MalformedTokenError) throw new AgentError('AGENT_TOKEN_MALFORMED', error.message.replace(/^malformed enrollment token: /, ''));
    throw error;
  }
  const caPem = await fetchPinnedCa(token.address, token.caFingerprint);
  const keys = generateEd25519KeyPair();
  const pc = options.hostname ?? osHostname();
  const hardwareId = options.hardwareId ?? await machineHardwareId();
  // The seal seed travels only here, over TLS to the pinned CA; once the collector has it the agent keeps k_0 only.
  const seal = options.unsealed ? undefined : newSealChain();
  const client = createCollectorClient(token.address, caPem);
  let response: EnrollResponse__Output;
  try {
    response = await new Promise<EnrollResponse__Output>((resolve, reject) => {
      client.Enroll({
        tokenSecret: token.secret, hostname: pc, os: `${platform()} ${release()}`, hardwareId, publicKey: keys.publicKey, agentVersion,
        ...(seal ? { sealSeed: seal.seed, sealChain: seal.chain } : {}),
      }, { deadline: Date.now() + 15_000 }, (error, value) => (error || !value ? reject(error) : resolve(value)));
    });
  } catch (error) {
    throw toAgentError(error);
  } finally {
    client.close();
    seal?.seed.fill(0);
  }
  const identity: AgentIdentity = {
    // The collector's list (if it has one) names the deployment's other collectors; the one enrolled through stays first.
    agentId: response.agentId, pc, hardwareId, collectorAddresses: orderCollectorAddresses(token.address, response.collectorAddresses),
    caFingerprint: token.caFingerprint, caPem,
    publicKey: keys.publicKey.toString('base64'), unlockKey: response.unlockKey.toString('base64'),
    collectorName: response.collectorName, enrolledMs: Date.now(), ...(seal ? { sealChain: seal.chain } : {}),
  };
  writeIdentity(options.stateDir, identity, keys.privateKeyPem);
  // A re-enrollment (--force) starts over: the previous chain's key goes with the previous agent.
  const sealFile = new SealKeyFile(join(options.stateDir, stateFiles.sealKey));
  if (seal) sealFile.write({ chain: seal.chain, epoch: 0, key: seal.key });
  else sealFile.erase();
  // Checked like every pushed policy (core/policy-intake.ts): an invalid one is not kept, so the agent fails closed
  // until the collector pushes a valid one on connect, where a refusal is journaled.
  const enrollmentPolicy = response.policyJson ? EffectivePolicySchema.safeParse(JSON.parse(response.policyJson)) : undefined;
  if (enrollmentPolicy?.success) savePolicy(options.stateDir, enrollmentPolicy.data);
  return identity;
}
