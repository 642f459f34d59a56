// Reads the envelope of a mamori.v1.Event — seq (1), time_ms (2), agent_id (3), pc (4), user (5) and which
// payload field is set — by walking only the top-level protobuf fields and skipping the payload's bytes. The reader
// lives in the standalone evidence verifier (which must stay one file) so ingest and the verifier decode alike;
// both are plain JavaScript importing only Node built-ins, so the collector's batch-check worker thread can run it.
// `kinds` maps payload field numbers to kind names (codec.ts builds it from the descriptor).
export { readEnvelope } from '../verifier/verify-evidence.mjs';
