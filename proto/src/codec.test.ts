import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, eventKind } from './codec.ts';
import { ZERO_HASH, chainHash, generateEd25519KeyPair, loadPrivateKey, signBatch, verifyBatchSignature } from './evidence.ts';
import { decodeEnrollmentToken, encodeEnrollmentToken } from './token.ts';

describe('event codec', () => {
  it('round-trips an event and reports its kind', () => {
    const bytes = encodeEvent({
      seq: 7, timeMs: 1_700_000_000_000, agentId: 'a1', pc: 'PC-ACCT-07', user: 'tanaka',
      printJob: { jobId: 12, documentName: '顧客リスト.xlsx', pages: 60, copies: 3 },
    });
    const event = decodeEvent(bytes);
    expect(event.seq).toBe(7);
    expect(event.printJob?.documentName).toBe('顧客リスト.xlsx');
    expect(eventKind(event)).toBe('print_job');
  });

  it('rejects garbage bytes', () => {
    expect(() => decodeEvent(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow();
  });
});

describe('evidence', () => {
  it('signs a batch that verifies only with the right key and header', () => {
    const pair = generateEd25519KeyPair();
    const other = generateEd25519KeyPair();
    const last = chainHash(ZERO_HASH, Buffer.from('event'));
    const signature = signBatch(loadPrivateKey(pair.privateKeyPem), 'agent-1', 1, 1, ZERO_HASH, last);
    expect(verifyBatchSignature(pair.publicKey, 'agent-1', 1, 1, ZERO_HASH, last, signature)).toBe(true);
    expect(verifyBatchSignature(other.publicKey, 'agent-1', 1, 1, ZERO_HASH, last, signature)).toBe(false);
    expect(verifyBatchSignature(pair.publicKey, 'agent-2', 1, 1, ZERO_HASH, last, signature)).toBe(false);
    expect(verifyBatchSignature(pair.publicKey, 'agent-1', 2, 1, ZERO_HASH, last, signature)).toBe(false);
  });
});

describe('enrollment token', () => {
  it('round-trips and names what is wrong with a bad one', () => {
    const token = { address: 'localhost:7443', caFingerprint: 'ab'.repeat(32), secret: 's'.repeat(32) };
    expect(decodeEnrollmentToken(encodeEnrollmentToken(token))).toEqual(token);
    expect(() => decodeEnrollmentToken('hello')).toThrow(/must start with/);
    expect(() => decodeEnrollmentToken('mamori1_%%%')).toThrow(/base64url JSON/);
  });
});
