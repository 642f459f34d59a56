export interface EventEnvelope {
  seq: number;
  timeMs: number;
  agentId: string;
  pc: string;
  user: string;
  /** eventKind() of the payload ('' when the event carries none). */
  kind: string;
}

export declare function readEnvelope(bytes: Uint8Array, kinds: ReadonlyMap<number, string>): EventEnvelope;
