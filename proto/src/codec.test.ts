import { describe, expect, it } from 'vitest';
import { decodeEnvelope, decodeEvent, encodeEvent, eventKind } from './codec.ts';
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

  it('reads the envelope of every kind without decoding the payload, as the full decode does', () => {
    const drafts = [
      { fileCopy: { destinationPath: 'E:\\a.xlsx', sizeBytes: 5 } },
      { printJob: { jobId: 1, pages: 2 } },
      { mail: { subject: '件名', to: ['a@example.jp'] } },
      { upload: { fileName: 'x.zip' } },
      { device: { action: 'BLOCKED' as const } },
      { policyDecision: { decision: 'allow' } },
      { lifecycle: { kind: 'JOURNAL_FULL' as const, droppedFromSeq: 3, droppedToSeq: 9 } },
      { inventory: { hostname: 'h' } },
      { extensionHealth: { browser: 'chromium' } },
      { accessRequest: { requestId: 'r' } },
      {},
    ];
    for (const [i, draft] of drafts.entries()) {
      const bytes = encodeEvent({ seq: 2 ** 40 + i, timeMs: 1_700_000_000_123, agentId: 'agent-ü', pc: 'PC-経理-07', user: 'たなか', ...draft });
      const full = decodeEvent(bytes);
      expect(decodeEnvelope(bytes)).toEqual({
        seq: full.seq, timeMs: full.timeMs, agentId: full.agentId, pc: full.pc, user: full.user, kind: eventKind(full),
      });
    }
    expect(decodeEnvelope(encodeEvent({ seq: 1, timeMs: 2, agentId: 'a', pc: 'p', user: '' })).kind).toBe('');
    // int64 below zero (a clock far off) arrives as a 10-byte two's-complement varint.
    expect(decodeEnvelope(encodeEvent({ seq: 1, timeMs: -86_400_000, agentId: 'a', pc: 'p', user: '' })).timeMs).toBe(-86_400_000);
  });

  it('refuses envelopes that are not well-formed protobuf', () => {
    const bytes = encodeEvent({ seq: 1, timeMs: 2, agentId: 'a', pc: 'p', user: 'u', printJob: { documentName: 'doc' } });
    expect(() => decodeEnvelope(bytes.subarray(0, bytes.length - 2))).toThrow();
    expect(() => decodeEnvelope(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow();
    expect(() => decodeEnvelope(Buffer.from([0x00, 0x01]))).toThrow(/field 0/);
    expect(() => decodeEnvelope(Buffer.from([0x0f]))).toThrow();
    expect(() => decodeEnvelope(Buffer.from([0x0b, 0x0c]))).toThrow(/wire type 3/); // groups are not ours
    expect(() => decodeEnvelope(Buffer.from([0x22, 0x05, 0x41]))).toThrow(/past the end/);
    expect(() => decodeEnvelope(Buffer.from([0x08, ...Array<number>(11).fill(0xff)]))).toThrow(/varint/);
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
