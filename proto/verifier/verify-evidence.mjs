#!/usr/bin/env node
// Mamori evidence verifier — standalone: needs only Node.js (>= 18) and this one file, no packages.
//
//   node verify-evidence.mjs EXPORT.json [--public-key BASE64]
//
// Recomputes the agent's hash chain, h_n = SHA-256(h_{n-1} ‖ event bytes), over every exported event and checks
// each batch's Ed25519 signature with the agent's public key (taken from the export unless given with
// --public-key, which an auditor should obtain independently, e.g. from the enrollment record). Exit 0 = intact.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const EXPORT_FORMAT = 'mamori-evidence-v1';
export const ZERO_HASH = Buffer.alloc(32);

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

/**
 * Verifies an export document. Returns { ok, events, batches, problems[] }; never throws on bad content.
 * A document is intact when every batch's events chain from its prev_hash to its last_hash, every signature
 * verifies, and consecutive batches join (prev_hash of one = last_hash of the one before, seqs contiguous).
 */
export function verifyEvidence(doc, options = {}) {
  const problems = [];
  if (!doc || doc.format !== EXPORT_FORMAT) {
    return { ok: false, events: 0, batches: 0, problems: [`not a ${EXPORT_FORMAT} document`] };
  }
  let key;
  let eventCount = 0;
  try {
    key = ed25519PublicKey(Buffer.from(options.publicKey ?? doc.agent?.public_key ?? '', 'base64'));
  } catch (error) {
    return { ok: false, events: 0, batches: 0, problems: [`public key: ${error.message}`] };
  }
  const agentId = String(doc.agent?.id ?? '');
  const bySeq = new Map();
  for (const event of doc.events ?? []) bySeq.set(Number(event.seq), event);
  const computed = new Map(); // seq → chain hash recomputed from the bytes
  const counted = new Set();
  let previousLast;
  for (const batch of doc.batches ?? []) {
    const first = Number(batch.first_seq);
    const last = Number(batch.last_seq);
    if (previousLast !== undefined) {
      if (first > previousLast + 1) problems.push(`sequence gap: seq ${previousLast + 1}..${first - 1} missing`);
      const before = computed.get(first - 1);
      if (before && before.toString('hex') !== batch.prev_hash) problems.push(`chain break between seq ${first - 1} and ${first}`);
    }
    let hash = Buffer.from(batch.prev_hash, 'hex');
    for (let seq = first; seq <= last; seq += 1) {
      const event = bySeq.get(seq);
      if (!event) {
        problems.push(`seq ${seq}: event missing from export`);
        hash = undefined;
        break;
      }
      hash = chainHash(hash, Buffer.from(event.bytes, 'base64'));
      if (hash.toString('hex') !== event.hash) problems.push(`seq ${seq}: hash does not match its bytes`);
      const known = computed.get(seq);
      if (known && !known.equals(hash)) problems.push(`seq ${seq}: overlapping batches disagree`);
      computed.set(seq, hash);
      if (!counted.has(seq)) {
        counted.add(seq);
        eventCount += 1;
      }
    }
    if (hash && hash.toString('hex') !== batch.last_hash) {
      problems.push(`batch ${first}..${last}: events do not chain to the signed last hash`);
    }
    const signed = verifyBatchSignature(
      key, agentId, first, last - first + 1,
      Buffer.from(batch.prev_hash, 'hex'), Buffer.from(batch.last_hash, 'hex'), Buffer.from(batch.signature, 'base64'),
    );
    if (!signed) problems.push(`batch ${first}..${last}: signature does not verify with the agent's public key`);
    previousLast = previousLast === undefined ? last : Math.max(previousLast, last);
  }
  for (const seq of bySeq.keys()) if (!counted.has(seq)) problems.push(`seq ${seq}: event not covered by any signed batch`);
  if ((doc.batches ?? []).length === 0) problems.push('export holds no signed batches');
  return { ok: problems.length === 0, events: eventCount, batches: (doc.batches ?? []).length, problems };
}

function main(argv) {
  const file = argv.find((arg) => !arg.startsWith('--'));
  const keyIndex = argv.indexOf('--public-key');
  if (!file || argv.includes('--help')) {
    console.log('usage: node verify-evidence.mjs EXPORT.json [--public-key BASE64]');
    return argv.includes('--help') ? 0 : 2;
  }
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`cannot read ${file}: ${error.message}`);
    return 2;
  }
  const result = verifyEvidence(doc, keyIndex >= 0 ? { publicKey: argv[keyIndex + 1] } : {});
  for (const problem of result.problems) console.error(`FAIL ${problem}`);
  console.log(`${result.ok ? 'OK' : 'TAMPERED'}: ${result.events} events in ${result.batches} signed batches`);
  return result.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = main(process.argv.slice(2));
}
