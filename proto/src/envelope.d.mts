export type { EventEnvelope } from '../verifier/verify-evidence.mjs';
export { readEnvelope } from '../verifier/verify-evidence.mjs';
