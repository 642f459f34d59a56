import type { KeyObject } from 'node:crypto';

export declare const EXPORT_FORMAT: 'mamori-evidence-v2';
export declare const MANIFEST_FORMAT: 'mamori-export-manifest-v1';
export declare const ZERO_HASH: Buffer;
export declare const EVENT_PAYLOAD_KINDS: ReadonlyMap<number, string>;
export declare function chainHash(previous: Uint8Array, eventBytes: Uint8Array): Buffer;
export declare function batchSigningPayload(
  agentId: string, firstSeq: number, count: number, prevHash: Uint8Array, lastHash: Uint8Array,
): Buffer;
export declare function ed25519PublicKey(raw: Uint8Array): KeyObject;
export declare function verifyBatchSignature(
  publicKey: KeyObject | Uint8Array, agentId: string, firstSeq: number, count: number,
  prevHash: Uint8Array, lastHash: Uint8Array, signature: Uint8Array,
): boolean;
export declare function canonicalJson(value: unknown): string;
export declare function manifestSigningPayload(manifest: ExportManifest): Buffer;
export declare function segmentAnchorSigningPayload(anchor: SegmentAnchor): Buffer;
export declare function keyFingerprint(raw: Uint8Array): string;
export declare function quarantinedBatchDigest(entry: QuarantinedExport): string;
export declare function quarantinedSectionDigest(entries: QuarantinedExport[]): string;
/** The lifecycle kind number in an event's bytes (20 = JOURNAL_RESET), 0 when none. */
export declare function lifecycleKind(bytes: Uint8Array): number;

export interface EventEnvelope {
  seq: number;
  timeMs: number;
  agentId: string;
  pc: string;
  user: string;
  /** The payload's kind name ('' when the event carries none, or one whose number `kinds` does not know). */
  kind: string;
  /** Set when the payload's field number is not in `kinds`. */
  payloadField?: number;
}
export declare function readEnvelope(bytes: Uint8Array, kinds: ReadonlyMap<number, string>): EventEnvelope;

/** A signed batch's header, exactly as the agent signed it (hex hashes, base64 signature). */
export interface SignedBatchHeader { first_seq: number; last_seq: number; prev_hash: string; last_hash: string; signature: string }

/** Fields the collector signs when it anchors a new chain segment; `signature` (base64) covers all the others. */
export interface SegmentAnchor {
  agent_id: string;
  start_seq: number;
  prev_hash: string;
  reason: string;
  signature?: string;
  [field: string]: unknown;
}

/** A chain segment boundary inside an export: the chain restarts at start_seq from prev_hash, for `reason`. */
export interface ExportSegment {
  start_seq: number;
  reason: string;
  prev_hash: string;
  /** Seqs known lost just before the boundary (to_seq = start_seq − 1), if any. */
  gap?: { from_seq: number; to_seq: number } | null;
  anchor: SegmentAnchor;
}

export interface ExportManifest {
  format: 'mamori-export-manifest-v1';
  collector: { name: string; public_key: string };
  exported_at_ms: number;
  requested_range: { from_ms: number; to_ms: number };
  agent: { id: string; pc: string; public_key: string };
  seq: { first: number; last: number };
  event_count: number;
  batch_count: number;
  start_prev_hash: string;
  first_hash: string;
  last_hash: string;
  heads: { first: SignedBatchHeader; last: SignedBatchHeader };
  payload_kinds: Record<string, string>;
  /** Seq ranges inside the export that the collector never received (a hole it knows of, not a cut). */
  missing?: { from_seq: number; to_seq: number }[];
  segments?: ExportSegment[];
  /** The quarantined section as signed: how many batches, a digest of each and of the whole section. */
  quarantined?: { count: number; sha256: string; batches: { first_seq: number; last_seq: number; sha256: string }[] };
}

/** A batch the collector refused for integrity reasons, exactly as the agent sent it, with why and when. */
export interface QuarantinedExport {
  first_seq: number;
  last_seq: number;
  prev_hash: string;
  last_hash: string;
  /** The agent's signature (base64) over the header, as received. */
  signature: string;
  /** Each event's exact bytes (base64), in batch order. */
  events: string[];
  reason: { code: string; finding: string; detail: string };
  /** Collector clock: first and last time this exact batch arrived, and how often. */
  received_ms: number;
  last_received_ms: number;
  attempts: number;
}

export interface QuarantinedVerdict {
  firstSeq: number;
  lastSeq: number;
  lastHash: string;
  events: number;
  signatureValid: boolean;
  chains: boolean;
  code: string | null;
  finding: string | null;
  receivedMs: number | null;
  /** Events whose bytes are not a well-formed event. */
  unreadable: number;
  eventList?: EventEnvelope[];
}

export interface EvidenceDocument {
  format: 'mamori-evidence-v2';
  exported_at: string;
  agent: { id: string; pc: string; public_key: string };
  range: { from_ms: number | null; to_ms: number | null };
  manifest: ExportManifest;
  /** The collector's Ed25519 signature (base64) over manifestSigningPayload(manifest). */
  manifest_signature: string;
  batches: SignedBatchHeader[];
  events: { seq: number; time_ms: number; kind: string; pc?: string; user?: string; hash: string; bytes: string }[];
  /** Refused batches, apart from the genuine events; covered by manifest.quarantined. */
  quarantined?: QuarantinedExport[];
}

export interface EvidenceSummary {
  agentId: string;
  pcs: string[];
  users: string[];
  firstSeq: number;
  lastSeq: number;
  firstTimeMs: number;
  lastTimeMs: number;
  kinds: Record<string, number>;
  exportedAtMs: number | null;
  requestedRange: { from_ms: number; to_ms: number } | null;
}

export interface EvidenceVerdict {
  ok: boolean;
  events: number;
  batches: number;
  /** One line per problem; any problem makes the export fail. */
  problems: string[];
  warnings: string[];
  notes: string[];
  /** Every field here comes from the hashed event bytes. */
  summary: EvidenceSummary | null;
  collector?: { source: 'pinned' | 'embedded'; fingerprint: string; publicKey?: string } | null;
  agentKey?: { source: 'pinned' | 'manifest'; fingerprint: string } | null;
  eventList?: EventEnvelope[];
  /** The quarantined section's batches, checked (never counted in `events`). */
  quarantined?: QuarantinedVerdict[];
}
export declare function verifyEvidence(
  doc: unknown, options?: { publicKey?: string; collectorKey?: string; listEvents?: boolean },
): EvidenceVerdict;
export declare function formatVerdict(verdict: EvidenceVerdict): string[];
