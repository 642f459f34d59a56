import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AcceptedBatch } from '../types.ts';
import { encodeEventRows, eventCopyStream, writeEventCopy } from './event-copy.ts';

/** Reads PostgreSQL's binary COPY format back (header, rows of length-prefixed fields, trailer), as the server does. */
function decodeCopy(stream: Buffer): (Buffer | null)[][] {
  expect(stream.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
  let at = 19;
  const rows: (Buffer | null)[][] = [];
  for (;;) {
    const count = stream.readInt16BE(at);
    at += 2;
    if (count === -1) break;
    const row: (Buffer | null)[] = [];
    for (let f = 0; f < count; f += 1) {
      const length = stream.readInt32BE(at);
      at += 4;
      row.push(length === -1 ? null : stream.subarray(at, at + length));
      if (length > 0) at += length;
    }
    rows.push(row);
  }
  expect(at).toBe(stream.length);
  return rows;
}

function batchOf(seqs: number[], options: { sealed: boolean; timeMs?: number }): AcceptedBatch {
  const events = seqs.map((seq, i) => ({
    seq, bytes: randomBytes(50 + i * 7), hash: randomBytes(32),
    envelope: { pc: i % 2 ? 'PC-経理-07' : 'PC-1', kind: i % 3 ? 'print' : 'usb', user: 'ユーザー', timeMs: options.timeMs ?? 1_764_000_000_000 + i },
  }));
  return {
    agentId: 'ag_1', firstSeq: seqs[0]!, lastSeq: seqs.at(-1)!, prevHash: randomBytes(32), lastHash: randomBytes(32), signature: randomBytes(64),
    events: events as AcceptedBatch['events'],
    ...(options.sealed ? { seal: { chain: 2 ** 40 + 3, epochs: seqs.map((_, i) => i), seals: randomBytes(32 * seqs.length), closes: [] } } : {}),
  };
}

describe('event rows in binary COPY format', () => {
  it('writes every column of every event: texts in UTF-8, bigints in 8 bytes big-endian, bytes as they are, NULL seals when unsealed', () => {
    const sealed = batchOf([1, 2, 3], { sealed: true });
    const unsealed = batchOf([4, 5], { sealed: false, timeMs: -5 });
    const rows = decodeCopy(eventCopyStream([encodeEventRows(sealed, 2 ** 45 + 1), encodeEventRows(unsealed, 7)]));
    expect(rows).toHaveLength(5);
    const int8 = (field: Buffer | null) => Number(field!.readBigInt64BE());
    const utf8 = (field: Buffer | null) => field!.toString('utf8');
    for (const [i, event] of sealed.events.entries()) {
      const row = rows[i]!;
      expect(row).toHaveLength(12);
      expect([utf8(row[0]!), int8(row[1]!), utf8(row[2]!), int8(row[3]!), int8(row[4]!), utf8(row[5]!), utf8(row[6]!)])
        .toEqual(['ag_1', event.seq, event.envelope.pc, event.envelope.timeMs, 2 ** 45 + 1, event.envelope.kind, event.envelope.user]);
      expect(row[7]).toEqual(event.hash);
      expect(row[8]).toEqual(event.bytes);
      expect([int8(row[9]!), int8(row[10]!)]).toEqual([2 ** 40 + 3, i]);
      expect(row[11]).toEqual(sealed.seal!.seals.subarray(i * 32, i * 32 + 32));
    }
    const [four, five] = rows.slice(3);
    expect([int8(four![1]!), int8(four![3]!), int8(four![4]!)]).toEqual([4, -5, 7]);
    expect(five![8]).toEqual(unsealed.events[1]!.bytes);
    expect(four!.slice(9)).toEqual([null, null, null]);
  });

  it('writes a stream chunk by chunk that is the same stream, and keeps bigints exact to their safe limits', async () => {
    const agent = { ...batchOf([1, 2], { sealed: true }), agentId: 'ag_端末_1' };
    const extremes = batchOf([Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER], { sealed: false, timeMs: Number.MIN_SAFE_INTEGER });
    const rows = [encodeEventRows(agent, 0), encodeEventRows(extremes, -(2 ** 32))];
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => { chunks.push(chunk); done(); } });
    const finished = new Promise((resolve) => sink.on('finish', resolve));
    writeEventCopy(sink, rows);
    await finished;
    expect(chunks).toHaveLength(4);
    expect(Buffer.concat(chunks)).toEqual(eventCopyStream(rows));
    const decoded = decodeCopy(Buffer.concat(chunks));
    expect(decoded.map((row) => row[0]!.toString('utf8'))).toEqual(['ag_端末_1', 'ag_端末_1', 'ag_1', 'ag_1']);
    expect(decoded.slice(2).map((row) => [row[1]!.readBigInt64BE(), row[3]!.readBigInt64BE(), row[4]!.readBigInt64BE()])).toEqual([
      [BigInt(Number.MAX_SAFE_INTEGER - 1), BigInt(Number.MIN_SAFE_INTEGER), -(2n ** 32n)],
      [BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MIN_SAFE_INTEGER), -(2n ** 32n)],
    ]);
  });

  it('refuses a batch with a value its column cannot hold, before anything is sent', () => {
    const batch = batchOf([1, 2], { sealed: true });
    expect(() => encodeEventRows({ ...batch, events: [batch.events[0]!, { ...batch.events[1]!, seq: 1.5 }] }, 1)).toThrow('events.seq: expected an integer, got 1.5');
    const noUser = { ...batch.events[0]!, envelope: { ...batch.events[0]!.envelope, user: undefined as unknown as string } };
    expect(() => encodeEventRows({ ...batch, events: [noUser] }, 1)).toThrow('events.user_name: expected text, got undefined');
    expect(() => encodeEventRows({ ...batch, seal: { ...batch.seal!, epochs: [0] } }, 1)).toThrow('events.seal_epoch');
    expect(() => encodeEventRows(batch, Number.MAX_SAFE_INTEGER + 2)).toThrow('events.received_ms');
  });
});
