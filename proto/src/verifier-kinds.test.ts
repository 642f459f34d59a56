import { describe, expect, it } from 'vitest';
import { EVENT_PAYLOAD_KINDS } from '../verifier/verify-evidence.mjs';
import { decodeEnvelope, encodeEvent, eventPayloadKinds } from './codec.ts';

describe('the standalone verifier and the schema', () => {
  it("knows every payload kind of mamori.v1.Event by the schema's field number (update its table when a kind is added)", () => {
    expect(new Map(EVENT_PAYLOAD_KINDS)).toEqual(new Map(eventPayloadKinds()));
  });

  it('decodes an envelope the way protobufjs encoded it, including a time before 1970', () => {
    const bytes = encodeEvent({ seq: 2 ** 40, timeMs: -5, agentId: 'ag_1', pc: 'PC-経理-07', user: 'tanaka', mail: { subject: 'x' } });
    expect(decodeEnvelope(bytes)).toEqual({ seq: 2 ** 40, timeMs: -5, agentId: 'ag_1', pc: 'PC-経理-07', user: 'tanaka', kind: 'mail' });
  });
});
