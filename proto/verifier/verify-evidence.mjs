#!/usr/bin/env node
// Mamori evidence verifier — standalone: needs only Node.js (>= 18) and this one file, no packages.
//
//   node verify-evidence.mjs EXPORT.json [--public-key AGENT_KEY] [--collector-key COLLECTOR_KEY] [--json] [--events]
//
// An export holds an agent's events (the exact bytes it hashed), the batches the agent signed over them, and a
// manifest the collector signed at export time: which agent, which seq range, how many events and batches, the
// first and last chain hash, and the agent's signed chain heads at both ends. This file checks, offline:
//   - the manifest's Ed25519 signature with the collector's evidence key (--collector-key, which an auditor should
//     pin from `mamori-collector evidence-key` or the console; the key embedded in the file proves nothing alone);
//   - the chain h_n = SHA-256(h_{n-1} ‖ event bytes) from the first event to the last, every batch signature with
//     the agent's key, and that no batch is missing between the ends;
//   - that the export's ends, counts and hashes are the ones the manifest signed (so cutting either end fails);
//   - every field it shows (seq, time, kind, agent, PC, user) is decoded from the hashed bytes themselves; the
//     readable copies in the JSON are only compared against them, never trusted;
//   - where the chain restarts (a journal reset, a batch the collector quarantined), a segment the collector signed
//     must say so: a declared boundary is a NOTE, an unexplained break or a journal reset without one a failure;
//   - quarantined batches (refused by the collector, kept as evidence) sit in their own section, each listed by
//     digest in the signed manifest: reported with their agent signature checked, never counted as events.
// Exit 0 = intact, 1 = a problem (one line per problem), 2 = usage or unreadable file.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TextDecoder } from 'node:util';

export const EXPORT_FORMAT = 'mamori-evidence-v2';
export const MANIFEST_FORMAT = 'mamori-export-manifest-v1';
export const ZERO_HASH = Buffer.alloc(32);

// ---------------------------------------------------------------------------------------------------------------
// Hashes and signatures

/** h_n = SHA-256(h_{n-1} ‖ event bytes) */
export function chainHash(previous, eventBytes) {
  return createHash('sha256').update(previous).update(eventBytes).digest();
}

/** The exact bytes an agent signs for a batch: binds agent, sequence range and both ends of the chain. */
export function batchSigningPayload(agentId, firstSeq, count, prevHash, lastHash) {
  const header = Buffer.alloc(12);
  header.writeBigUInt64BE(BigInt(firstSeq), 0);
  header.writeUInt32BE(count, 8);
  return Buffer.concat([Buffer.from(`mamori.v1.batch\0${agentId}\0`, 'utf8'), header, prevHash, lastHash]);
}

/** Raw 32-byte Ed25519 public key → KeyObject. */
export function ed25519PublicKey(raw) {
  if (raw.length !== 32) throw new Error(`Ed25519 public key must be 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

export function verifyBatchSignature(publicKey, agentId, firstSeq, count, prevHash, lastHash, signature) {
  const key = publicKey instanceof Uint8Array ? ed25519PublicKey(publicKey) : publicKey;
  try {
    return verify(null, batchSigningPayload(agentId, firstSeq, count, prevHash, lastHash), key, signature);
  } catch {
    return false;
  }
}

/** JSON with object keys sorted at every level: the one byte form of a manifest that both sides sign and check. */
export function canonicalJson(value) {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('numbers in a signed manifest must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  throw new Error(`a signed manifest cannot hold a ${typeof value}`);
}

/** What the collector signs for an export manifest. */
export function manifestSigningPayload(manifest) {
  return Buffer.from(`mamori.v1.export-manifest\0${canonicalJson(manifest)}`, 'utf8');
}

/**
 * What the collector signs when it anchors a new chain segment for an agent (journal reset, quarantined batch):
 * every field of the anchor except its signature.
 */
export function segmentAnchorSigningPayload(anchor) {
  const { signature: _signature, ...fields } = anchor;
  return Buffer.from(`mamori.v1.segment-anchor\0${canonicalJson(fields)}`, 'utf8');
}

/** Digest of one quarantined batch as exported (hex): the signed manifest lists one per batch. */
export function quarantinedBatchDigest(entry) {
  return createHash('sha256').update(`mamori.v1.quarantined-batch\0${canonicalJson(entry)}`).digest('hex');
}

/** Digest of the whole quarantined section (hex), in its order: the signed manifest holds it. */
export function quarantinedSectionDigest(entries) {
  return createHash('sha256').update(`mamori.v1.quarantined-section\0${canonicalJson(entries)}`).digest('hex');
}

function verifyEd25519(key, payload, signatureBase64) {
  try {
    return verify(null, payload, key, Buffer.from(String(signatureBase64 ?? ''), 'base64'));
  } catch {
    return false;
  }
}

/** SHA-256 of a raw public key, hex in pairs: what people compare when they pin a key. */
export function keyFingerprint(raw) {
  return createHash('sha256').update(raw).digest('hex').match(/../g).join(':');
}

// ---------------------------------------------------------------------------------------------------------------
// A minimal protobuf reader for the envelope of a mamori.v1.Event: seq (1), time_ms (2), agent_id (3), pc (4),
// user (5) and which payload field is set. It walks only the top-level fields and skips the payload's bytes.

/** Payload field numbers of mamori.v1.Event → kind names (snake case), as in proto/mamori/v1/events.proto. */
export const EVENT_PAYLOAD_KINDS = new Map([
  [10, 'device'], [11, 'file_copy'], [12, 'print_job'], [13, 'mail'], [14, 'upload'], [15, 'policy_decision'],
  [16, 'lifecycle'], [17, 'inventory'], [18, 'extension_health'], [19, 'access_request'],
  [40, 'imported_record'],
]);

/**
 * A 64-bit varint as a number, exact below 2^53 like protobufjs' Long → number: read as two 32-bit halves so an
 * int64 below zero (ten bytes of two's complement) comes out exact. Returns [value, next offset].
 */
function readVarint64(bytes, offset, signed) {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i += 1) {
    if (offset >= bytes.length) throw new Error(`truncated varint at offset ${offset}`);
    const bits = bytes[offset++] & 0x7f;
    if (i < 4) lo = (lo | (bits << (i * 7))) >>> 0;
    else if (i === 4) {
      lo = (lo | (bits << 28)) >>> 0;
      hi = bits >>> 4;
    } else hi = (hi | (bits << (i * 7 - 32))) >>> 0;
    if ((bytes[offset - 1] & 0x80) === 0) {
      if (signed && hi >>> 31) {
        lo = (~lo + 1) >>> 0;
        hi = ~hi >>> 0;
        if (lo === 0) hi = (hi + 1) >>> 0;
        return [-(lo + hi * 4294967296), offset];
      }
      return [lo + hi * 4294967296, offset];
    }
  }
  throw new Error(`varint longer than 10 bytes at offset ${offset}`);
}

/** A varint used as a tag or a length, as a number; returns [value, next offset]. */
function readVarint(bytes, offset) {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i += 1) {
    if (offset >= bytes.length) throw new Error(`truncated varint at offset ${offset}`);
    const byte = bytes[offset++];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, offset];
    scale *= 128;
  }
  throw new Error(`varint longer than 10 bytes at offset ${offset}`);
}

function skipField(bytes, offset, wireType) {
  switch (wireType) {
    case 0: return readVarint(bytes, offset)[1];
    case 1: offset += 8; break;
    case 2: {
      const [length, start] = readVarint(bytes, offset);
      offset = start + length;
      break;
    }
    case 5: offset += 4; break;
    default: throw new Error(`unsupported wire type ${wireType} at offset ${offset}`);
  }
  if (offset > bytes.length) throw new Error('field runs past the end of the message');
  return offset;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function readString(bytes, offset) {
  const [length, start] = readVarint(bytes, offset);
  const end = start + length;
  if (end > bytes.length) throw new Error('string runs past the end of the message');
  return [utf8.decode(bytes.subarray(start, end)), end];
}

/**
 * Reads an event's envelope. `kinds` maps payload field numbers to kind names; a payload whose number is not in
 * it comes out as kind '' with `payloadField` set. Throws on bytes that are not a well-formed protobuf message.
 */
export function readEnvelope(bytes, kinds) {
  const envelope = { seq: 0, timeMs: 0, agentId: '', pc: '', user: '', kind: '' };
  let offset = 0;
  while (offset < bytes.length) {
    const [tag, next] = readVarint(bytes, offset);
    offset = next;
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw new Error(`invalid field 0 at offset ${offset}`);
    if (field === 1 && wireType === 0) [envelope.seq, offset] = readVarint64(bytes, offset, false);
    else if (field === 2 && wireType === 0) [envelope.timeMs, offset] = readVarint64(bytes, offset, true);
    else if (field === 3 && wireType === 2) [envelope.agentId, offset] = readString(bytes, offset);
    else if (field === 4 && wireType === 2) [envelope.pc, offset] = readString(bytes, offset);
    else if (field === 5 && wireType === 2) [envelope.user, offset] = readString(bytes, offset);
    else {
      const kind = kinds.get(field);
      if (kind !== undefined && wireType === 2) envelope.kind = kind;
      else if (field >= 10 && wireType === 2 && envelope.payloadField === undefined) envelope.payloadField = field;
      offset = skipField(bytes, offset, wireType);
    }
  }
  return envelope;
}

/** Field 16 of mamori.v1.Event is its AgentLifecycleEvent; its field 1 is the kind, 20 = JOURNAL_RESET. */
const LIFECYCLE_FIELD = 16;
const JOURNAL_RESET = 20;

/** The lifecycle kind number of an event's bytes (0 when it has none or they do not parse). */
export function lifecycleKind(bytes) {
  try {
    let offset = 0;
    while (offset < bytes.length) {
      const [tag, next] = readVarint(bytes, offset);
      if (Math.floor(tag / 8) === LIFECYCLE_FIELD && tag % 8 === 2) {
        const [length, start] = readVarint(bytes, next);
        const inner = bytes.subarray(start, start + length);
        for (let at = 0; at < inner.length;) {
          const [innerTag, value] = readVarint(inner, at);
          if (innerTag === 8) return readVarint(inner, value)[0];
          at = skipField(inner, value, innerTag % 8);
        }
        return 0;
      }
      offset = skipField(bytes, next, tag % 8);
    }
  } catch {
    return 0;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Verification

const HEX32 = /^[0-9a-f]{64}$/;
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSeq = (value) => Number.isSafeInteger(value) && value >= 1;
const show = (value) => (typeof value === 'string' ? JSON.stringify(value) : String(value));
const iso = (ms) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

/** The JSON copies an exported event may carry, each beside the envelope field it must equal. */
const EVENT_COPIES = [
  ['seq', 'seq'], ['time_ms', 'timeMs'], ['kind', 'kind'], ['agent_id', 'agentId'], ['pc', 'pc'], ['user', 'user'],
];

function decodeKey(text, label) {
  const raw = Buffer.from(String(text ?? ''), 'base64');
  try {
    return { key: ed25519PublicKey(raw), raw };
  } catch (error) {
    throw new Error(`${label}: ${error.message}`);
  }
}

function sameHeader(a, b) {
  return isObject(a) && isObject(b) && ['first_seq', 'last_seq', 'prev_hash', 'last_hash', 'signature'].every((k) => a[k] === b[k]);
}

function batchLabel(batch) {
  return `signed batch ${batch.first_seq}..${batch.last_seq}`;
}

/** Checks the manifest's signature; returns the collector key's description. */
function checkManifestSignature(manifest, options, out) {
  const embedded = manifest.collector?.public_key;
  const pinned = options.collectorKey;
  let collector;
  try {
    collector = decodeKey(pinned ?? embedded, pinned ? 'collector key (--collector-key)' : 'collector key in the manifest');
  } catch (error) {
    out.problems.push(`signed manifest cannot be checked: ${error.message}`);
    return undefined;
  }
  const fingerprint = keyFingerprint(collector.raw);
  if (pinned && embedded !== undefined && Buffer.from(String(embedded), 'base64').toString('base64') !== collector.raw.toString('base64')) {
    out.problems.push(`signed manifest names collector key ${show(String(embedded))}, not the pinned collector key ${show(collector.raw.toString('base64'))}`);
  }
  let payload;
  try {
    payload = manifestSigningPayload(manifest);
  } catch (error) {
    out.problems.push(`signed manifest is not well formed: ${error.message}`);
    return { source: pinned ? 'pinned' : 'embedded', fingerprint, key: collector.key };
  }
  if (!verifyEd25519(collector.key, payload, options.manifestSignature)) {
    out.problems.push(pinned
      ? 'signed manifest: signature does not verify with the pinned collector key (manifest edited, or signed by another collector)'
      : "signed manifest: signature does not verify with the collector key it names (the manifest was edited)");
  }
  if (!pinned) {
    out.warnings.push(`the collector key was taken from the file itself (SHA-256 ${fingerprint}): an embedded key proves nothing unless it matches the collector's published key (\`mamori-collector evidence-key\`, or the console); pin it with --collector-key`);
  }
  return { source: pinned ? 'pinned' : 'embedded', fingerprint, key: collector.key, publicKey: collector.raw.toString('base64') };
}

/** The agent key: pinned, or the one the collector vouched for in the signed manifest. */
function resolveAgentKey(doc, manifest, options, out) {
  const inManifest = manifest.agent?.public_key;
  try {
    if (options.publicKey) {
      const pinned = decodeKey(options.publicKey, 'agent key (--public-key)');
      if (inManifest !== undefined && String(inManifest) !== pinned.raw.toString('base64')) {
        out.problems.push(`signed manifest names agent key ${show(String(inManifest))}, not the pinned agent key ${show(pinned.raw.toString('base64'))}`);
      }
      return { ...pinned, source: 'pinned' };
    }
    out.notes.push('agent key taken from the collector-signed manifest (pin it with --public-key from the enrollment record to check it independently)');
    return { ...decodeKey(inManifest ?? doc.agent?.public_key, 'agent key in the manifest'), source: 'manifest' };
  } catch (error) {
    out.problems.push(error.message);
    return undefined;
  }
}

/** Readable copies at the top of the file (agent, export time, range) must say what the signed manifest says. */
function checkTopLevelCopies(doc, manifest, out) {
  const copies = [
    ['agent.id', doc.agent?.id, manifest.agent?.id],
    ['agent.pc', doc.agent?.pc, manifest.agent?.pc],
    ['agent.public_key', doc.agent?.public_key, manifest.agent?.public_key],
    ['exported_at', doc.exported_at, Number.isFinite(manifest.exported_at_ms) ? iso(manifest.exported_at_ms) : undefined],
    ['range.from_ms', doc.range?.from_ms, manifest.requested_range?.from_ms],
    ['range.to_ms', doc.range?.to_ms, manifest.requested_range?.to_ms],
  ];
  for (const [field, inFile, signed] of copies) {
    if (inFile !== undefined && inFile !== signed) out.problems.push(`field '${field}' in the file says ${show(inFile)}, the signed manifest says ${show(signed)}`);
  }
}

/** Payload kinds: this verifier's own table, plus any the collector's signed manifest adds for newer kinds. */
function payloadKinds(manifest, out) {
  const kinds = new Map(EVENT_PAYLOAD_KINDS);
  for (const [number, name] of Object.entries(isObject(manifest.payload_kinds) ? manifest.payload_kinds : {})) {
    const field = Number(number);
    const known = EVENT_PAYLOAD_KINDS.get(field);
    if (known !== undefined && known !== name) out.problems.push(`signed manifest maps payload field ${field} to ${show(name)}, this verifier knows it as ${show(known)}`);
    else if (known === undefined && typeof name === 'string') kinds.set(field, name);
  }
  return kinds;
}

/** A segment boundary the collector anchored: where the chain restarts, and why. */
function readSegments(manifest, agentId, collector, out) {
  const segments = new Map();
  if (manifest.segments === undefined) return segments;
  if (!Array.isArray(manifest.segments)) {
    out.problems.push("signed manifest: 'segments' is not a list");
    return segments;
  }
  for (const segment of manifest.segments) {
    if (!isObject(segment) || !isSeq(segment.start_seq) || typeof segment.prev_hash !== 'string' || !HEX32.test(segment.prev_hash)) {
      out.problems.push(`signed manifest: segment ${show(JSON.stringify(segment))} needs start_seq and a 32-byte hex prev_hash`);
      continue;
    }
    const at = `segment at seq ${segment.start_seq}`;
    const anchor = segment.anchor;
    if (!isObject(anchor)) out.problems.push(`${at}: no collector-signed anchor`);
    else {
      const expected = { agent_id: agentId, start_seq: segment.start_seq, prev_hash: segment.prev_hash, reason: segment.reason };
      for (const [field, value] of Object.entries(expected)) {
        if (anchor[field] !== value) out.problems.push(`${at}: the anchor's ${field} is ${show(anchor[field])}, the segment says ${show(value)}`);
      }
      if (collector && !verifyEd25519(collector.key, segmentAnchorSigningPayload(anchor), anchor.signature)) {
        out.problems.push(`${at}: the anchor's signature does not verify with the collector key`);
      }
    }
    if (segment.gap !== undefined && segment.gap !== null && !(isObject(segment.gap) && isSeq(segment.gap.from_seq) && segment.gap.to_seq === segment.start_seq - 1 && segment.gap.from_seq <= segment.gap.to_seq)) {
      out.problems.push(`${at}: its gap must be {from_seq, to_seq} ending at seq ${segment.start_seq - 1}`);
    }
    segments.set(segment.start_seq, { ...segment, seen: false });
  }
  return segments;
}

/** Compares one event's readable copies with what its signed bytes say. */
function checkEventCopies(seq, event, envelope, kindChecked, out) {
  for (const key of Object.keys(event)) {
    if (key === 'bytes' || key === 'hash') continue;
    const copy = EVENT_COPIES.find(([name]) => name === key);
    if (!copy) {
      out.problems.push(`seq ${seq}: field '${key}' in the file is not part of the signed bytes`);
      continue;
    }
    if (key === 'kind' && !kindChecked) continue;
    const signed = envelope[copy[1]];
    if (event[key] !== signed) out.problems.push(`seq ${seq}: field '${key}' in the file says ${show(event[key])}, the signed bytes say ${show(signed)}`);
  }
}

/**
 * Verifies an export document. Never throws on bad content. Options: publicKey (agent, base64), collectorKey
 * (base64), listEvents (include every decoded event in the verdict). Returns
 * { ok, events, batches, problems[], warnings[], notes[], summary, collector, agentKey, eventList? }.
 */
export function verifyEvidence(doc, options = {}) {
  const out = { problems: [], warnings: [], notes: [] };
  const verdict = (extra = {}) => ({ ok: out.problems.length === 0, events: 0, batches: 0, ...out, summary: null, ...extra });
  if (!isObject(doc)) return (out.problems.push('not a JSON object'), verdict());
  if (doc.format === 'mamori-evidence-v1') {
    out.problems.push('format mamori-evidence-v1 carries no signed manifest, so a cut export cannot be told from a whole one: export again with a current collector');
    return verdict();
  }
  if (doc.format !== EXPORT_FORMAT) return (out.problems.push(`not a ${EXPORT_FORMAT} document (format ${show(doc.format)})`), verdict());
  const manifest = doc.manifest;
  if (!isObject(manifest)) return (out.problems.push('export has no signed manifest'), verdict());
  if (manifest.format !== MANIFEST_FORMAT) out.problems.push(`signed manifest format is ${show(manifest.format)}, expected ${MANIFEST_FORMAT}`);

  const collector = checkManifestSignature(manifest, { ...options, manifestSignature: doc.manifest_signature }, out);
  const agentKey = resolveAgentKey(doc, manifest, options, out);
  checkTopLevelCopies(doc, manifest, out);
  const agentId = String(manifest.agent?.id ?? '');
  const kinds = payloadKinds(manifest, out);
  const segments = readSegments(manifest, agentId, collector, out);
  const holes = new Map((Array.isArray(manifest.missing) ? manifest.missing : []).map((r) => [r?.from_seq, { ...r, seen: false }]));
  const quarantine = checkQuarantined(doc, manifest, { agentKey, agentId, kinds, listEvents: options.listEvents }, out);
  checkSegmentQuarantines(segments, quarantine, out);
  const resetsDeclared = [];

  const bySeq = new Map();
  for (const event of Array.isArray(doc.events) ? doc.events : []) {
    if (!isObject(event) || !isSeq(event.seq)) {
      out.problems.push(`an event in the file has no valid seq: ${JSON.stringify(event).slice(0, 80)}`);
      continue;
    }
    if (bySeq.has(event.seq)) out.problems.push(`seq ${event.seq}: appears twice in the file`);
    bySeq.set(event.seq, event);
  }
  const batches = Array.isArray(doc.batches) ? doc.batches : [];
  const computed = new Map(); // seq → chain hash recomputed from the bytes
  const decoded = new Map(); // seq → envelope decoded from the hashed bytes
  let previousLast;
  let firstBatch;
  let lastBatch;
  for (const batch of batches) {
    const valid = isObject(batch) && isSeq(batch.first_seq) && isSeq(batch.last_seq) && batch.last_seq >= batch.first_seq
      && HEX32.test(String(batch.prev_hash)) && HEX32.test(String(batch.last_hash)) && typeof batch.signature === 'string';
    if (!valid) {
      out.problems.push(`a batch header is malformed: ${JSON.stringify(batch).slice(0, 120)}`);
      continue;
    }
    const first = batch.first_seq;
    const last = batch.last_seq;
    const prevHash = Buffer.from(batch.prev_hash, 'hex');
    if (agentKey && !verifyBatchSignature(agentKey.key, agentId, first, last - first + 1, prevHash, Buffer.from(batch.last_hash, 'hex'), Buffer.from(batch.signature, 'base64'))) {
      out.problems.push(`${batchLabel(batch)}: signature does not verify with the agent's key`);
    }
    const segment = segments.get(first);
    if (segment) {
      segment.seen = true;
      if (segment.prev_hash !== batch.prev_hash) out.problems.push(`segment at seq ${first}: the batch chains from ${batch.prev_hash}, the collector's anchor says ${segment.prev_hash}`);
      else out.notes.push(`seq ${first} starts a new chain segment (${segment.reason ?? 'no reason given'}), anchored by the collector${anchoredWhen(segment)}`);
    }
    if (previousLast !== undefined) {
      if (first > previousLast + 1) {
        const gap = segment?.gap;
        const hole = holes.get(previousLast + 1);
        if (hole && hole.to_seq === first - 1) {
          hole.seen = true;
          out.warnings.push(`seq ${hole.from_seq}..${hole.to_seq} are not in this export: the collector never received them (the signed manifest says so)`);
        } else if (gap && gap.from_seq === previousLast + 1 && gap.to_seq === first - 1) {
          out.notes.push(quarantine.covers(gap.from_seq, gap.to_seq)
            ? `seq ${gap.from_seq}..${gap.to_seq} are not genuine events: the collector refused them and kept them in the quarantined section; the chain goes on at seq ${first} (${segment.reason ?? 'no reason given'})`
            : `seq ${gap.from_seq}..${gap.to_seq} cannot be in this export: the collector recorded them as lost at the segment boundary (${segment.reason ?? 'no reason given'})`);
        }
        else out.problems.push(`seq ${previousLast + 1}..${first - 1} missing: no signed batch between seq ${previousLast} and ${first} (a batch was removed from the export)`);
      } else if (first <= previousLast && last <= previousLast) {
        out.problems.push(`${batchLabel(batch)}: lies wholly inside an earlier batch or out of order`);
      }
      const before = computed.get(first - 1);
      if (!segment && before && !before.equals(prevHash)) out.problems.push(`chain break between seq ${first - 1} and ${first}: ${batchLabel(batch)} does not continue the chain`);
    }
    let hash = prevHash;
    for (let seq = first; seq <= last; seq += 1) {
      const event = bySeq.get(seq);
      if (!event) {
        out.problems.push(`seq ${seq}: event missing from the export (${batchLabel(batch)} covers it)`);
        hash = undefined;
        break;
      }
      const bytes = Buffer.from(String(event.bytes ?? ''), 'base64');
      hash = chainHash(hash, bytes);
      if (hash.toString('hex') !== event.hash) out.problems.push(`seq ${seq}: hash does not match its bytes (the event bytes or its hash were changed)`);
      const known = computed.get(seq);
      if (known && !known.equals(hash)) out.problems.push(`seq ${seq}: overlapping batches disagree`);
      computed.set(seq, hash);
      if (decoded.has(seq)) continue;
      let envelope;
      try {
        envelope = readEnvelope(bytes, kinds);
      } catch (error) {
        out.problems.push(`seq ${seq}: the signed bytes are not a well-formed event (${error.message})`);
        decoded.set(seq, null);
        continue;
      }
      decoded.set(seq, envelope);
      if (envelope.kind === 'lifecycle' && lifecycleKind(bytes) === JOURNAL_RESET) resetsDeclared.push(seq);
      if (envelope.seq !== seq) out.problems.push(`seq ${seq}: the signed bytes say seq ${envelope.seq}`);
      if (envelope.agentId !== agentId) out.problems.push(`seq ${seq}: the signed bytes say agent ${show(envelope.agentId)}, the manifest says ${show(agentId)}`);
      // A payload number neither this file nor the signed manifest knows: show it by number, leave the copy unchecked.
      const kindChecked = envelope.kind !== '' || envelope.payloadField === undefined;
      if (!kindChecked) {
        envelope.kind = `payload field ${envelope.payloadField}`;
        out.notes.push(`seq ${seq}: payload field ${envelope.payloadField} is unknown to this verifier, its kind is shown by number`);
      }
      checkEventCopies(seq, event, envelope, kindChecked, out);
    }
    if (hash && hash.toString('hex') !== batch.last_hash) out.problems.push(`${batchLabel(batch)}: events do not chain to the signed last hash`);
    firstBatch ??= batch;
    if (previousLast === undefined || last > previousLast) lastBatch = batch;
    previousLast = previousLast === undefined ? last : Math.max(previousLast, last);
  }
  for (const seq of bySeq.keys()) if (!computed.has(seq)) out.problems.push(`seq ${seq}: event not covered by any signed batch`);
  for (const hole of holes.values()) if (!hole.seen) out.problems.push(`signed manifest says seq ${hole.from_seq}..${hole.to_seq} were never received, but the export does not have that hole`);
  for (const segment of segments.values()) if (!segment.seen) checkSegmentInsideBatch(segment, manifest, computed, out);
  for (const seq of resetsDeclared) {
    if (!segments.has(seq)) out.problems.push(`seq ${seq}: the agent declared a journal reset here, but the signed manifest lists no segment boundary at seq ${seq} (its segment entry was removed)`);
  }
  if (batches.length === 0) out.problems.push('export holds no signed batches');

  checkAgainstManifest(manifest, { firstBatch, lastBatch, batchCount: batches.length, eventCount: computed.size, computed, agentKey, agentId }, out);
  const summary = summarise(manifest, decoded);
  return {
    ok: out.problems.length === 0, events: computed.size, batches: batches.length, ...out, summary, quarantined: quarantine.list,
    collector: collector ? { source: collector.source, fingerprint: collector.fingerprint, publicKey: collector.publicKey } : null,
    agentKey: agentKey ? { source: agentKey.source, fingerprint: keyFingerprint(agentKey.raw) } : null,
    ...(options.listEvents ? { eventList: [...decoded.entries()].filter(([, e]) => e).sort(([a], [b]) => a - b).map(([, e]) => ({ ...e })) } : {}),
  };
}

function anchoredWhen(segment) {
  return segment.anchor?.signed_at === 'export' ? ' at export time (the boundary was recorded before anchors were kept)' : '';
}

/**
 * A declared boundary that no batch starts at: a journal reset the agent journaled in the middle of a batch. The
 * chain runs on through it hash by hash inside the signed batch; it must do so from the anchored hash.
 */
function checkSegmentInsideBatch(segment, manifest, computed, out) {
  const at = segment.start_seq;
  const before = at === manifest.seq?.first ? manifest.start_prev_hash : computed.get(at - 1)?.toString('hex');
  if (!computed.has(at) || before === undefined) {
    out.problems.push(`signed manifest declares a segment at seq ${at}, but the export does not hold seq ${at} and the event before it`);
  } else if (before !== segment.prev_hash) {
    out.problems.push(`segment at seq ${at}: the chain there continues from ${before}, the collector's anchor says ${segment.prev_hash}`);
  } else {
    out.notes.push(`seq ${at} starts a new chain segment (${segment.reason ?? 'no reason given'}) inside a signed batch, anchored by the collector${anchoredWhen(segment)}`);
  }
}

/** A boundary anchored on a refused batch must have that batch in the quarantined section, ending on the anchor. */
function checkSegmentQuarantines(segments, quarantine, out) {
  for (const segment of segments.values()) {
    const refused = segment.anchor?.quarantined;
    if (!isObject(refused)) continue;
    const held = quarantine.list.find((q) => q.firstSeq === refused.first_seq && q.lastSeq === refused.last_seq && q.lastHash === refused.last_hash);
    if (!held) out.problems.push(`segment at seq ${segment.start_seq}: the collector anchored it on quarantined batch ${refused.first_seq}..${refused.last_seq}, which the quarantined section does not hold`);
    else if (refused.last_hash !== segment.prev_hash) out.problems.push(`segment at seq ${segment.start_seq}: the anchor's quarantined batch ends on ${refused.last_hash}, the segment chains from ${segment.prev_hash}`);
  }
}

/**
 * The quarantined section: batches the collector refused for integrity reasons, kept byte for byte as evidence and
 * never counted as genuine events. The signed manifest lists each by digest, so cutting or editing one fails; each
 * batch's agent signature and chain are checked and reported, so a reader sees what the PC sent and why it was
 * refused.
 */
function checkQuarantined(doc, manifest, context, out) {
  const list = [];
  const result = { list, covers: (from, to) => list.some((q) => q.firstSeq <= from && q.lastSeq >= to) };
  const signed = manifest.quarantined;
  const inFile = doc.quarantined;
  if (signed === undefined) {
    if (inFile !== undefined && !(Array.isArray(inFile) && inFile.length === 0)) out.problems.push('the file holds a quarantined section that the signed manifest does not list (added after export)');
    return result;
  }
  if (!isObject(signed) || !Array.isArray(signed.batches)) {
    out.problems.push("signed manifest: 'quarantined' needs count, sha256 and batches");
    return result;
  }
  if (!Array.isArray(inFile)) {
    out.problems.push(`quarantined section missing: the signed manifest lists ${show(signed.count)} quarantined batch(es) (the section was removed)`);
    return result;
  }
  const label = (entry) => `quarantined batch ${entry?.first_seq}..${entry?.last_seq}`;
  const unmatched = new Set(inFile);
  for (const listed of signed.batches) {
    const entry = inFile.find((q) => unmatched.has(q) && isObject(q) && q.first_seq === listed?.first_seq && q.last_seq === listed?.last_seq);
    if (!entry) {
      out.problems.push(`${label(listed)}: listed in the signed manifest but not in the quarantined section (it was removed)`);
      continue;
    }
    unmatched.delete(entry);
    let digest;
    try {
      digest = quarantinedBatchDigest(entry);
    } catch (error) {
      digest = `unreadable (${error.message})`;
    }
    if (digest !== listed.sha256) out.problems.push(`${label(entry)}: its content differs from what the signed manifest lists (the quarantined section was edited)`);
  }
  for (const entry of unmatched) out.problems.push(`${label(entry)}: in the quarantined section but not in the signed manifest (it was added)`);
  if (inFile.length !== signed.count) out.problems.push(`quarantined section holds ${inFile.length} batch(es), the signed manifest says ${show(signed.count)}`);
  let sectionDigest;
  try {
    sectionDigest = quarantinedSectionDigest(inFile);
  } catch {
    sectionDigest = undefined;
  }
  if (sectionDigest !== signed.sha256 && !out.problems.some((p) => p.startsWith('quarantined'))) {
    out.problems.push('quarantined section: its digest differs from the signed manifest (batches reordered or edited)');
  }
  for (const entry of inFile) {
    const checked = checkQuarantinedBatch(entry, context, out);
    if (checked) list.push(checked);
  }
  return result;
}

/** One quarantined batch: the agent's signature, whether its events chain, what its bytes say. Reported, not failed. */
function checkQuarantinedBatch(entry, { agentKey, agentId, kinds, listEvents }, out) {
  const valid = isObject(entry) && isSeq(entry.first_seq) && isSeq(entry.last_seq) && entry.last_seq >= entry.first_seq
    && HEX32.test(String(entry.prev_hash)) && HEX32.test(String(entry.last_hash)) && typeof entry.signature === 'string'
    && Array.isArray(entry.events) && entry.events.every((e) => typeof e === 'string');
  if (!valid) {
    out.problems.push(`a quarantined batch is malformed: ${JSON.stringify(entry).slice(0, 120)}`);
    return undefined;
  }
  const events = entry.events.map((e) => Buffer.from(e, 'base64'));
  const count = entry.last_seq - entry.first_seq + 1;
  const signatureValid = count === events.length && agentKey !== undefined && verifyBatchSignature(
    agentKey.key, agentId, entry.first_seq, count, Buffer.from(entry.prev_hash, 'hex'), Buffer.from(entry.last_hash, 'hex'), Buffer.from(entry.signature, 'base64'),
  );
  let hash = Buffer.from(entry.prev_hash, 'hex');
  for (const bytes of events) hash = chainHash(hash, bytes);
  const chains = hash.toString('hex') === entry.last_hash;
  const envelopes = events.map((bytes) => {
    try {
      return readEnvelope(bytes, kinds);
    } catch {
      return null;
    }
  });
  const reason = isObject(entry.reason) ? entry.reason : {};
  const what = `quarantined batch ${entry.first_seq}..${entry.last_seq} (${events.length} event(s), received ${iso(entry.received_ms)}, refused ${reason.code ?? '?'}: ${reason.detail ?? ''})`;
  out.notes.push(`${what}: agent signature ${signatureValid ? 'valid' : 'INVALID'}; its events ${chains ? 'chain' : 'do not chain'} to the signed last hash; kept apart as evidence, not counted as genuine events`);
  if (!signatureValid) out.warnings.push(`${what}: the agent's signature does not verify: the agent did not send these bytes as they are`);
  return {
    firstSeq: entry.first_seq, lastSeq: entry.last_seq, lastHash: entry.last_hash, events: events.length, signatureValid, chains,
    code: reason.code ?? null, finding: reason.finding ?? null, receivedMs: Number.isFinite(entry.received_ms) ? entry.received_ms : null,
    unreadable: envelopes.filter((e) => e === null).length,
    ...(listEvents ? { eventList: envelopes.filter(Boolean).map((e) => ({ ...e })) } : {}),
  };
}

/** The export's ends, counts and hashes must be what the collector signed; the ends must be agent-signed heads. */
function checkAgainstManifest(manifest, found, out) {
  const { firstBatch, lastBatch, computed, agentKey, agentId } = found;
  const seqs = isObject(manifest.seq) ? manifest.seq : {};
  const heads = isObject(manifest.heads) ? manifest.heads : {};
  for (const [end, head] of [['first', heads.first], ['last', heads.last]]) {
    const valid = isObject(head) && isSeq(head.first_seq) && isSeq(head.last_seq) && HEX32.test(String(head.prev_hash)) && HEX32.test(String(head.last_hash));
    if (!valid) {
      out.problems.push(`signed manifest: the agent's chain head at the ${end} end is missing or malformed`);
      continue;
    }
    if (agentKey && !verifyBatchSignature(agentKey.key, agentId, head.first_seq, head.last_seq - head.first_seq + 1, Buffer.from(head.prev_hash, 'hex'), Buffer.from(head.last_hash, 'hex'), Buffer.from(String(head.signature ?? ''), 'base64'))) {
      out.problems.push(`signed manifest: the agent's signature on its chain head at the ${end} end (seq ${head.first_seq}..${head.last_seq}) does not verify`);
    }
  }
  if (!firstBatch || !lastBatch) return;
  const firstSeq = firstBatch.first_seq;
  const lastSeq = lastBatch.last_seq;
  const startsRight = firstSeq === seqs.first;
  const endsRight = lastSeq === seqs.last;
  if (!startsRight) out.problems.push(`export starts at seq ${firstSeq} but the signed manifest says ${show(seqs.first)}${firstSeq > seqs.first ? ' (its first events were cut off)' : ''}`);
  if (!endsRight) out.problems.push(`export ends at seq ${lastSeq} but the signed manifest says ${show(seqs.last)}${lastSeq < seqs.last ? ' (its last events were cut off)' : ''}`);
  if (found.eventCount !== manifest.event_count) out.problems.push(`export holds ${found.eventCount} events but the signed manifest says ${show(manifest.event_count)}`);
  if (found.batchCount !== manifest.batch_count) out.problems.push(`export holds ${found.batchCount} signed batches but the signed manifest says ${show(manifest.batch_count)}`);
  if (startsRight) {
    if (firstBatch.prev_hash !== manifest.start_prev_hash) out.problems.push(`the chain starts from ${firstBatch.prev_hash} but the signed manifest says ${show(manifest.start_prev_hash)}`);
    const firstHash = computed.get(firstSeq)?.toString('hex');
    if (firstHash !== undefined && firstHash !== manifest.first_hash) out.problems.push(`the first event's chain hash is ${firstHash} but the signed manifest says ${show(manifest.first_hash)}`);
    if (isObject(heads.first) && !sameHeader(heads.first, firstBatch)) out.problems.push(`the first batch (seq ${firstBatch.first_seq}..${firstBatch.last_seq}) is not the agent's chain head the signed manifest names for the first end (seq ${heads.first.first_seq}..${heads.first.last_seq})`);
  }
  if (endsRight) {
    const lastHash = computed.get(lastSeq)?.toString('hex');
    if (lastHash !== undefined && lastHash !== manifest.last_hash) out.problems.push(`the last event's chain hash is ${lastHash} but the signed manifest says ${show(manifest.last_hash)}`);
    if (isObject(heads.last) && !sameHeader(heads.last, lastBatch)) out.problems.push(`the last batch (seq ${lastBatch.first_seq}..${lastBatch.last_seq}) is not the agent's chain head the signed manifest names for the last end (seq ${heads.last.first_seq}..${heads.last.last_seq})`);
  }
}

/** What the export shows, every field taken from the hashed bytes. */
function summarise(manifest, decoded) {
  const envelopes = [...decoded.values()].filter(Boolean);
  if (envelopes.length === 0) return null;
  const kinds = {};
  for (const e of envelopes) kinds[e.kind || '(none)'] = (kinds[e.kind || '(none)'] ?? 0) + 1;
  const times = envelopes.map((e) => e.timeMs);
  const seqs = [...decoded.keys()];
  return {
    agentId: envelopes[0].agentId,
    pcs: [...new Set(envelopes.map((e) => e.pc))],
    users: [...new Set(envelopes.map((e) => e.user).filter(Boolean))],
    firstSeq: Math.min(...seqs),
    lastSeq: Math.max(...seqs),
    firstTimeMs: Math.min(...times),
    lastTimeMs: Math.max(...times),
    kinds,
    exportedAtMs: Number.isFinite(manifest.exported_at_ms) ? manifest.exported_at_ms : null,
    requestedRange: isObject(manifest.requested_range) ? manifest.requested_range : null,
  };
}

/** The verdict as lines of text, the same for this file's CLI and `mamori-collector verify`. */
export function formatVerdict(verdict) {
  const lines = verdict.problems.map((problem) => `FAIL ${problem}`);
  const s = verdict.summary;
  const head = `${verdict.ok ? 'OK' : 'TAMPERED'}: ${verdict.events} events in ${verdict.batches} signed batches`;
  lines.push(s
    ? `${head}, seq ${s.firstSeq}..${s.lastSeq}, ${iso(s.firstTimeMs)} .. ${iso(s.lastTimeMs)} (agent clock)`
    : head);
  if (s) {
    lines.push(`  agent ${s.agentId}, PC ${s.pcs.join(', ')}; users: ${s.users.join(', ') || '(none)'}`);
    lines.push(`  kinds: ${Object.entries(s.kinds).map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
    const range = s.requestedRange;
    if (s.exportedAtMs !== null && range) lines.push(`  exported ${iso(s.exportedAtMs)} (collector clock) for ${iso(range.from_ms)} .. ${iso(range.to_ms)}, widened to whole signed batches`);
  }
  if (verdict.collector) lines.push(`  manifest signed by collector key SHA-256 ${verdict.collector.fingerprint} (${verdict.collector.source})`);
  for (const q of verdict.quarantined ?? []) {
    lines.push(`QUARANTINED seq ${q.firstSeq}..${q.lastSeq}: ${q.events} event(s) refused (${q.code ?? '?'}), agent signature ${q.signatureValid ? 'valid' : 'INVALID'}, ${q.chains ? 'chained' : 'chain broken'}; not genuine events`);
  }
  for (const warning of verdict.warnings) lines.push(`WARNING ${warning}`);
  for (const note of verdict.notes) lines.push(`NOTE ${note}`);
  for (const event of verdict.eventList ?? []) {
    lines.push(`  ${event.seq}\t${iso(event.timeMs)}\t${event.kind}\t${event.pc}\t${event.user}`);
  }
  return lines;
}

function argument(argv, name) {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

function main(argv) {
  const usage = 'usage: node verify-evidence.mjs EXPORT.json [--public-key AGENT_KEY] [--collector-key COLLECTOR_KEY] [--json] [--events]';
  const valued = new Set(['--public-key', '--collector-key']);
  const file = argv.find((arg, i) => !arg.startsWith('--') && !valued.has(argv[i - 1]));
  if (!file || argv.includes('--help')) {
    console.log(usage);
    return argv.includes('--help') ? 0 : 2;
  }
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`cannot read ${file}: ${error.message}`);
    return 2;
  }
  const options = { publicKey: argument(argv, '--public-key'), collectorKey: argument(argv, '--collector-key'), listEvents: argv.includes('--events') };
  const verdict = verifyEvidence(doc, options);
  if (argv.includes('--json')) console.log(JSON.stringify(verdict));
  else {
    const lines = formatVerdict(verdict);
    for (const line of lines) (line.startsWith('FAIL') || line.startsWith('WARNING') ? console.error : console.log)(line);
  }
  return verdict.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = main(process.argv.slice(2));
}
