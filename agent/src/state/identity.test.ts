import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdentity, saveCollectorAddresses, stateFiles, writeIdentity, type AgentIdentity } from './identity.ts';

const base = {
  agentId: 'ag_1', pc: 'PC-1', hardwareId: 'hw', caFingerprint: 'ab', caPem: 'PEM', publicKey: 'pk', unlockKey: 'uk', collectorName: 'c', enrolledMs: 1,
};

function stateWith(identity: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-identity-'));
  writeFileSync(join(dir, stateFiles.identity), JSON.stringify(identity));
  writeFileSync(join(dir, stateFiles.privateKey), 'KEY');
  return dir;
}

describe('identity: the collectors to dial', () => {
  it('reads an identity written before several collectors (one collectorAddress) as a list of one', () => {
    const { identity } = readIdentity(stateWith({ ...base, collectorAddress: 'collector.example:7443' }));
    expect(identity.collectorAddresses).toEqual(['collector.example:7443']);
    expect(identity).not.toHaveProperty('collectorAddress');
  });

  it('refuses an identity with no usable address, naming the key, instead of dialling nothing', () => {
    expect(() => readIdentity(stateWith({ ...base }))).toThrow(/collectorAddresses must be a non-empty list/);
    expect(() => readIdentity(stateWith({ ...base, collectorAddresses: [] }))).toThrow(/AGENT_IDENTITY_INVALID|enrollment state/);
    expect(() => readIdentity(stateWith({ ...base, collectorAddresses: ['no-port'] }))).toThrow(/host:port/);
  });

  it('saves a new order of collectors and keeps the rest of the identity', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-identity-'));
    writeIdentity(dir, { ...base, collectorAddresses: ['a:1'] } as AgentIdentity, 'KEY');
    saveCollectorAddresses(dir, ['b:1', 'a:1']);
    expect(readIdentity(dir).identity).toEqual({ ...base, collectorAddresses: ['b:1', 'a:1'] });
    expect(readFileSync(join(dir, stateFiles.privateKey), 'utf8')).toBe('KEY');
  });
});
