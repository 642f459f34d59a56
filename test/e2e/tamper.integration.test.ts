import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generateEd25519KeyPair, loadPrivateKey, verifyEvidence, chainHash } from '@mamori/proto';
import { enrollTestAgent, runTestAgent, sampleEvent } from '../harness/agent.ts';
import { collectorBin, startTestCollector, tempDir, type TestCollector } from '../harness/collector.ts';
import { exportEvidenceFor } from '../harness/evidence.ts';
import { RawAgent } from '../harness/raw-agent.ts';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => c.close());

async function rawAgent(): Promise<{ raw: RawAgent; stateDir: string }> {
  const stateDir = await enrollTestAgent(await c.token());
  const raw = new RawAgent(stateDir);
  raw.hello();
  await raw.welcomed();
  return { raw, stateDir };
}

async function findings(agentId: string): Promise<string[]> {
  return (await c.app.store.listIntegrityFindings(agentId)).map((f) => f.kind);
}

describe('tamper evidence', () => {
  it('rejects a forged signature and records it', async () => {
    const { raw } = await rawAgent();
    const forger = loadPrivateKey(generateEd25519KeyPair().privateKeyPem);
    const result = await raw.send(raw.makeBatch(3, { key: forger }));
    expect(String(result)).toMatch(/COLLECTOR_BAD_SIGNATURE/);
    expect(await c.app.store.countEvents(raw.agentId)).toBe(0);
    expect(await findings(raw.agentId)).toEqual(['signature_invalid']);
  });

  it("rejects a batch signed with another agent's key", async () => {
    const { raw: victim } = await rawAgent();
    const { raw: other } = await rawAgent();
    const result = await victim.send(victim.makeBatch(2, { key: other.key }));
    expect(String(result)).toMatch(/COLLECTOR_BAD_SIGNATURE/);
    expect(await c.app.store.countEvents(victim.agentId)).toBe(0);
    expect(await findings(victim.agentId)).toContain('signature_invalid');
  });

  it('acknowledges an identical replay without storing twice, and rejects a replay with rewritten content', async () => {
    const { raw } = await rawAgent();
    const batch = raw.makeBatch(5);
    expect(await raw.send(batch)).toBe(5);
    expect(await raw.send(batch)).toBe(5);
    expect(await c.app.store.countEvents(raw.agentId)).toBe(5);
    const rewritten = { ...batch, events: [...batch.events] };
    const flipped = Buffer.from(batch.events[4]!);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 1, flipped.length - 1);
    rewritten.events[4] = flipped;
    let hash = rewritten.prevHash;
    for (const bytes of rewritten.events) hash = chainHash(hash, bytes);
    const result = await raw.send(raw.resign({ ...rewritten, lastHash: hash }));
    expect(String(result)).toMatch(/COLLECTOR_FORK|COLLECTOR_BATCH_MALFORMED/);
    expect(await c.app.store.countEvents(raw.agentId)).toBe(5);
    expect((await findings(raw.agentId)).length).toBeGreaterThan(0);
  });

  it('records a sequence gap and a reordered batch', async () => {
    const { raw } = await rawAgent();
    const first = raw.makeBatch(2);
    const second = raw.makeBatch(2);
    const third = raw.makeBatch(2);
    expect(await raw.send(first)).toBe(2);
    expect(await raw.send(third)).toBe(6);
    expect(await findings(raw.agentId)).toEqual(['sequence_gap']);
    expect(await raw.send(second)).toBe(4);
    expect(await findings(raw.agentId)).toEqual(['sequence_gap', 'out_of_order']);
    expect(await c.app.store.countEvents(raw.agentId)).toBe(6);
  });

  it('records a chain break (a batch that does not continue the stored chain)', async () => {
    const { raw } = await rawAgent();
    expect(await raw.send(raw.makeBatch(3))).toBe(3);
    const next = raw.makeBatch(2);
    // Rebuild the batch on a different starting hash: signed and self-consistent, but not continuing seq 3.
    const prevHash = Buffer.alloc(32, 7);
    let hash: Buffer = prevHash;
    for (const bytes of next.events) hash = chainHash(hash, bytes);
    expect(await raw.send(raw.resign({ ...next, prevHash, lastHash: hash }))).toBe(5);
    expect(await findings(raw.agentId)).toEqual(['chain_break']);
  });

  it('rejects events whose bytes do not hash to the signed chain head', async () => {
    const { raw } = await rawAgent();
    const batch = raw.makeBatch(3);
    const altered = { ...batch, events: batch.events.map((e, i) => (i === 1 ? Buffer.concat([e, Buffer.from([0x28, 0x01])]) : e)) };
    expect(String(await raw.send(altered))).toMatch(/COLLECTOR_CHAIN_MISMATCH/);
    expect(await c.app.store.countEvents(raw.agentId)).toBe(0);
    expect(await findings(raw.agentId)).toEqual(['chain_mismatch']);
  });

  it('records a PC that re-enrolls to hide its history, and keeps the old history', async () => {
    const hardwareId = `hw-reenroll-${Date.now()}`;
    const first = await enrollTestAgent(await c.token(), { hostname: 'PC-ACCT-07', hardwareId });
    const agent = await runTestAgent(first);
    agent.recorder.record(sampleEvent(1));
    expect(await agent.uplink.drained(10_000)).toBe(true);
    await agent.stop();
    const second = await enrollTestAgent(await c.token(), { hostname: 'PC-ACCT-07', hardwareId });
    const newIdentity = JSON.parse(readFileSync(join(second, 'identity.json'), 'utf8')) as { agentId: string };
    expect(await findings(newIdentity.agentId)).toEqual(['re_enrolled']);
    const old = await c.app.store.getAgent(agent.identity.agentId);
    expect(old?.retiredMs).not.toBeNull();
    expect(await c.app.store.countEvents(agent.identity.agentId)).toBeGreaterThan(0);
    // the retired agent can no longer connect
    const raw = new RawAgent(first);
    raw.hello();
    await expect(raw.welcomed()).rejects.toThrow(/unknown or retired agent/);
  });
});

describe('export and offline verification', () => {
  it('verifies a clean export and fails when one byte is changed, with the CLI and the standalone verifier', async () => {
    const stateDir = await enrollTestAgent(await c.token());
    const agent = await runTestAgent(stateDir);
    for (let i = 0; i < 300; i += 1) agent.recorder.record(sampleEvent(i));
    expect(await agent.uplink.drained(10_000)).toBe(true);
    await agent.stop();
    const doc = await exportEvidenceFor(c.app, agent.identity.agentId);
    expect(verifyEvidence(doc).ok).toBe(true);
    const dir = tempDir('export');
    const clean = join(dir, 'clean.json');
    writeFileSync(clean, JSON.stringify(doc));
    const tampered = join(dir, 'tampered.json');
    const bytes = Buffer.from(doc.events[100]!.bytes, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 0x01, bytes.length - 2);
    writeFileSync(tampered, JSON.stringify({ ...doc, events: doc.events.map((e, i) => (i === 100 ? { ...e, bytes: bytes.toString('base64') } : e)) }));

    const cli = (file: string) => spawnSync(process.execPath, [collectorBin, 'verify', file], { encoding: 'utf8' });
    const standalone = (file: string) => spawnSync(process.execPath, [join(import.meta.dirname, '../../proto/verifier/verify-evidence.mjs'), file, '--public-key', doc.agent.public_key], { encoding: 'utf8' });
    expect(cli(clean).status).toBe(0);
    expect(standalone(clean).status).toBe(0);
    expect(standalone(clean).stdout).toMatch(/^OK: \d+ events/m);
    const failed = cli(tampered);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/seq \d+: hash does not match its bytes/);
    expect(standalone(tampered).status).toBe(1);
    // a different public key fails every signature
    const wrongKey = spawnSync(process.execPath, [join(import.meta.dirname, '../../proto/verifier/verify-evidence.mjs'), clean, '--public-key', generateEd25519KeyPair().publicKey.toString('base64')], { encoding: 'utf8' });
    expect(wrongKey.status).toBe(1);
  });

  it('exports through the CLI by PC name and time range', async () => {
    const dir = tempDir('export-cli');
    const out = join(dir, 'e.json');
    const agents = await c.app.store.listAgents();
    const withEvents = agents.find((a) => a.lastSeq > 100)!;
    const result = spawnSync(process.execPath, [collectorBin, '-d', c.dataDir, 'export', '--agent', withEvents.id, '--from', '2000-01-01', '--to', '2100-01-01', '-o', out], { encoding: 'utf8' });
    expect(result.stderr).toMatch(/exported \d+ events/);
    expect(result.status).toBe(0);
    expect(verifyEvidence(JSON.parse(readFileSync(out, 'utf8'))).ok).toBe(true);
    const none = spawnSync(process.execPath, [collectorBin, '-d', c.dataDir, 'export', '--agent', 'NO-SUCH-PC'], { encoding: 'utf8' });
    expect(none.status).toBe(1);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });
});
