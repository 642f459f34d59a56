export { compileContentRules, ruleLabel, type CompiledContentRules, type ContentFinding } from './common/content-rules.ts';
export { ContentScanner } from './common/content-scanner.ts';
export { encodeHashes, fingerprintText } from './common/fingerprint.ts';
export { inspect, type InspectResult, type InspectSource, type InspectedItem } from './node/inspect.ts';
